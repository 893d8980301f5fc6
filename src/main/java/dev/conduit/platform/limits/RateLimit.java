package dev.conduit.platform.limits;

import io.github.bucket4j.Bandwidth;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A token bucket's shape: up to {@code requests} at once, refilled steadily over {@code period} (so
 * {@code 600/min} allows a burst of 600, then 10 a second). {@code name} keeps one limit's buckets apart from
 * another's for the same key.
 */
public record RateLimit(String name, long requests, Duration period) {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})\\s*/\\s*(s|min|h)");

    public RateLimit {
        if (requests < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate limit allows at least 1 request per period");
        }
    }

    /** {@code N/s}, {@code N/min} or {@code N/h}; null when the text is none of those. */
    public static RateLimit parse(String name, String text) {
        var m = TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
            return null;
        }
        Duration period = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "min" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new RateLimit(name, Long.parseLong(m.group(1)), period);
    }

    /** Bucket4j's shape of it: a bucket of {@code requests}, refilled greedily (token by token) over the period. */
    public Bandwidth bandwidth() {
        return Bandwidth.builder().capacity(requests).refillGreedy(requests, period).build();
    }

    @Override
    public String toString() {
        long seconds = period.toSeconds();
        return requests + "/" + (seconds == 1 ? "s" : seconds == 60 ? "min" : seconds == 3600 ? "h" : period);
    }
}

package dev.conduit.platform.http;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/** {@code limit} (1..100, default 20) and {@code offset} (0..1,000,000, default 0); anything else is a 422. */
public record Paging(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 1_000_000;

    public static Paging from(ServerRequest req) {
        var violations = new Violations();
        int limit = parse(violations, "limit", req.query().first("limit").asOptional(), DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = parse(violations, "offset", req.query().first("offset").asOptional(), 0, 0, MAX_OFFSET);
        violations.throwIfAny();
        return new Paging(limit, offset);
    }

    private static int parse(Violations violations, String name, Optional<String> raw, int fallback, int min, int max) {
        if (raw.isEmpty() || raw.get().isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get().strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        violations.add(name, "must be an integer from " + min + " to " + max);
        return fallback;
    }
}

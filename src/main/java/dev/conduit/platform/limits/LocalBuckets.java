package dev.conduit.platform.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * Token buckets in this process (Bucket4j's lock-free local buckets), at most {@code maxKeys} of them: the ones
 * unused longest go first, and a bucket unused for {@code idle} (longer than any limit's period, by which time it
 * is full again) is dropped, so a scan from many addresses costs bounded memory.
 */
public final class LocalBuckets implements Buckets {
    private record Key(String limit, String key) {
    }

    private final Cache<Key, Bucket> buckets;

    public LocalBuckets(long maxKeys, Duration idle) {
        buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(idle).build();
    }

    @Override
    public Duration take(RateLimit limit, String key) {
        var probe = bucket(limit, key).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    @Override
    public Duration peek(RateLimit limit, String key) {
        var probe = bucket(limit, key).estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    @Override
    public void spend(RateLimit limit, String key) {
        bucket(limit, key).tryConsumeAsMuchAsPossible(1);
    }

    private Bucket bucket(RateLimit limit, String key) {
        return buckets.get(new Key(limit.name(), key), k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limit.requests())
                        .refillGreedy(limit.requests(), limit.period()).build())
                .build());
    }
}

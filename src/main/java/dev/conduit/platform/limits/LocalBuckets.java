package dev.conduit.platform.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
    public Bucket bucket(RateLimit limit, String key) {
        return buckets.get(new Key(limit.name(), key), k -> Bucket.builder().addLimit(limit.bandwidth()).build());
    }
}

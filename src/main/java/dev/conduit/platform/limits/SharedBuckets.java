package dev.conduit.platform.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Token buckets in a store every node shares ({@link DatabaseBucketStore}, {@link RedisBucketStore}), so that a
 * client gets each limit once, whichever nodes a balancer sends it to. Bucket4j works a bucket out on the node
 * and writes it back only if nobody wrote it meanwhile (compare and swap); the concurrent calls of one node on one
 * bucket go to the store as one (Bucket4j's batching), which a busy client's address needs.
 *
 * <p>A bucket's key names its limit's shape as well, so a limit changed in the configuration starts new buckets
 * (full ones) rather than reading the old shape's.
 *
 * <p>When the store does not answer, the limits let requests through: the first such failure is logged, and so is
 * the first success after, and each is counted.
 */
public final class SharedBuckets implements Buckets {
    private static final System.Logger LOG = System.getLogger(SharedBuckets.class.getName());

    private final ProxyManager<String> store;
    private final String storeName;
    private final LongAdder failures = new LongAdder();
    private final AtomicBoolean failing = new AtomicBoolean();
    /** Each bucket's proxy, kept while it is used: batching happens on one proxy. */
    private final Cache<String, Bucket> proxies = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    public SharedBuckets(ProxyManager<String> store, String storeName) {
        this.store = store;
        this.storeName = storeName;
    }

    @Override
    public Bucket bucket(RateLimit limit, String key) {
        return proxies.get(limit.name() + " " + limit + " " + key, id -> store.builder()
                .withOptimization(Optimizations.batching())
                .build(id, () -> BucketConfiguration.builder().addLimit(limit.bandwidth()).build()));
    }

    @Override
    public Duration take(RateLimit limit, String key) {
        return failingOpen(() -> Buckets.super.take(limit, key));
    }

    @Override
    public Duration peek(RateLimit limit, String key) {
        return failingOpen(() -> Buckets.super.peek(limit, key));
    }

    @Override
    public void spend(RateLimit limit, String key) {
        failingOpen(() -> {
            Buckets.super.spend(limit, key);
            return Duration.ZERO;
        });
    }

    /** Times the limits let a request through because the store did not answer, since the start. */
    public long failures() {
        return failures.sum();
    }

    private Duration failingOpen(Supplier<Duration> call) {
        try {
            Duration wait = call.get();
            if (failing.compareAndSet(true, false)) {
                LOG.log(System.Logger.Level.INFO, "Rate limits: " + storeName + " answers again");
            }
            return wait;
        } catch (RuntimeException e) {
            failures.increment();
            if (failing.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "Rate limits let requests through until " + storeName
                        + " answers again: their buckets are there", e);
            }
            return Duration.ZERO;
        }
    }
}

package dev.conduit.platform.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conduit.platform.domain.Failure;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * the first success after, and each is counted. Once most recent calls failed, a breaker lets requests through
 * without asking for a while (a store that hangs would otherwise cost each its timeout). A database that is only
 * busy (this node sheds load) is not a store gone: the request is refused as any other would be then.
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
    private final CircuitBreaker breaker;

    public SharedBuckets(ProxyManager<String> store, String storeName) {
        this.store = store;
        this.storeName = storeName;
        // open once half of the last 20 calls failed (10 at least), for 5 s
        breaker = CircuitBreaker.of("rate-limits", CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .waitDurationInOpenState(Duration.ofSeconds(5))
                .writableStackTraceEnabled(false)
                .build());
    }

    @Override
    public Bucket bucket(RateLimit limit, String key) {
        return proxies.get(id(limit, key), id -> store.builder()
                .withOptimization(Optimizations.batching())
                .build(id, () -> configuration(limit)));
    }

    @Override
    public Duration take(RateLimit limit, String key) {
        return failingOpen(() -> Buckets.super.take(limit, key));
    }

    /** A bucket nobody wrote is full: looked for first, not created (else each login would write a full one). */
    @Override
    public Duration peek(RateLimit limit, String key) {
        return failingOpen(() -> store.getProxyConfiguration(id(limit, key)).isPresent()
                ? Buckets.super.peek(limit, key) : Duration.ZERO);
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

    private static String id(RateLimit limit, String key) {
        return limit.name() + " " + limit + " " + key;
    }

    private static BucketConfiguration configuration(RateLimit limit) {
        return BucketConfiguration.builder().addLimit(limit.bandwidth()).build();
    }

    private Duration failingOpen(Supplier<Duration> call) {
        if (!breaker.tryAcquirePermission()) {
            failures.increment();
            return Duration.ZERO;
        }
        long start = System.nanoTime();
        try {
            Duration wait = call.get();
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (failing.compareAndSet(true, false)) {
                LOG.log(System.Logger.Level.INFO, "Rate limits: " + storeName + " answers again");
            }
            return wait;
        } catch (RuntimeException e) {
            var busy = Failure.within(e, Failure.class); // however Bucket4j wrapped it
            if (busy.isPresent()) {
                breaker.releasePermission();
                throw busy.get();
            }
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            failures.increment();
            if (failing.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "Rate limits let requests through until " + storeName
                        + " answers again: their buckets are there", e);
            }
            return Duration.ZERO;
        }
    }
}

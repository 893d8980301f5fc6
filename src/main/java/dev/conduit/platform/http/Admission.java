package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.observe.Metrics;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Admission control: a bounded number of requests is handled at once; the next ones wait their turn (first come,
 * first served), then get 503 with {@code Retry-After}. Two things adapt, once per {@link #INTERVAL}:
 * <ul>
 * <li>How many at once: as many as the server completed in {@link #IN_FLIGHT} lately (Little's law: admitted
 * requests then take about that long once the server is saturated, wherever they wait inside it: for a database
 * connection, for a core), between {@link #FLOOR} and {@code limit}. A slower server (a busy database, fewer
 * cores) admits fewer, instead of letting every admitted request queue behind the others.</li>
 * <li>How long to wait: {@code wait} normally, long enough to ride out a pause (a GC, a busy host) with no
 * refusal. Once a request has waited that long in vain, or more requests wait than the server completes in that
 * time (the last of them would), more comes in than the server completes: until an interval passes with neither,
 * requests wait at most {@code overloadWait}. The accepted ones keep their latency and the rest are refused early,
 * instead of every request waiting in an ever longer queue. A closed-loop client (N connections each waiting for
 * its answer) only ever queues its N, so unless they are more than the server completes in a wait, it is never
 * refused.</li>
 * </ul>
 * Requests {@code passBy} accepts are not counted (health probes: a node busy with requests is still alive;
 * requests that wait in a bounded queue of their own).
 */
public final class Admission implements Filter {
    static final Duration INTERVAL = Duration.ofMillis(100);
    static final Duration IN_FLIGHT = Duration.ofMillis(25);
    static final int FLOOR = 16;

    private final Slots slots;
    private final int floor;
    private final int ceiling;
    private final long waitNanos;
    private final long overloadWaitNanos;
    private final LongAdder completed = new LongAdder(); // every request adds: no one contended counter
    private volatile long lastRefusal; // System.nanoTime() of the last request that waited in vain
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong intervalEnd;
    private volatile int limit;
    private volatile boolean overloaded;
    private double completedPerSecond; // written by the one thread that closes an interval
    private final Counter shed;
    private final Predicate<RoutingRequest> passBy;

    /** {@code metrics} present: the refusals are counted there, with the limit, the slots in use and the state. */
    public Admission(int limit, Duration wait, Duration overloadWait, Optional<Metrics> metrics,
            Predicate<RoutingRequest> passBy) {
        this.passBy = passBy;
        ceiling = limit;
        floor = Math.min(FLOOR, limit);
        this.limit = ceiling;
        slots = new Slots(ceiling);
        waitNanos = wait.toNanos();
        overloadWaitNanos = Math.min(overloadWait.toNanos(), waitNanos);
        long now = System.nanoTime();
        intervalEnd = new AtomicLong(now + INTERVAL.toNanos());
        lastRefusal = now - 2 * INTERVAL.toNanos();
        shed = metrics.map(m -> Counter.builder("conduit.requests.shed")
                .description("Requests refused with 503 because every admission slot stayed busy for the wait")
                .register(m.registry())).orElse(null);
        metrics.ifPresent(m -> {
            m.gauge("conduit.admission.limit", "Requests handled at once, at most, now", Tags.empty(),
                    () -> this.limit);
            m.gauge("conduit.admission.active", "Requests being handled now (admitted)", Tags.empty(),
                    () -> this.limit - slots.availablePermits());
            m.gauge("conduit.admission.overloaded",
                    "1 while requests that find every slot busy wait ADMISSION_OVERLOAD_WAIT_MS only", Tags.empty(),
                    () -> overloaded ? 1 : 0);
        });
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (passBy.test(req)) {
            chain.proceed();
            return;
        }
        adapt(System.nanoTime());
        if (!acquire(overloaded ? overloadWaitNanos : waitNanos)) {
            lastRefusal = System.nanoTime();
            if (shed != null) {
                shed.increment();
            }
            throw new Failure.Overloaded();
        }
        try {
            chain.proceed();
        } finally {
            slots.release();
            completed.increment();
        }
    }

    private boolean acquire(long nanos) {
        try {
            if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) { // a free slot and no one waiting (no barging)
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping this request
            return false;
        }
        waiting.incrementAndGet();
        try {
            return slots.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping this request
            return false;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** The first request after an interval ends closes it: the next interval's limit and wait. */
    private void adapt(long now) {
        long end = intervalEnd.get();
        if (now - end < 0 || !intervalEnd.compareAndSet(end, now + INTERVAL.toNanos())) {
            return;
        }
        long since = now - end + INTERVAL.toNanos(); // longer than an interval when no request came meanwhile
        double rate = completed.sumThenReset() * 1e9 / since;
        completedPerSecond = completedPerSecond == 0 ? rate : (completedPerSecond + rate) / 2;
        // overloaded: a request waited in vain within the last interval, or more wait than the server completes
        // in a wait (the last of them would wait in vain)
        overloaded = now - lastRefusal < INTERVAL.toNanos() || waiting.get() > completedPerSecond * waitNanos / 1e9;
        int next = (int) Math.max(floor, Math.min(ceiling,
                Math.round(completedPerSecond * IN_FLIGHT.toNanos() / 1e9)));
        int change = next - limit;
        limit = next;
        if (change > 0) {
            slots.release(change);
        } else if (change < 0) {
            slots.reducePermits(-change); // requests in flight beyond it finish; the next wait for them
        }
    }

    /** A fair semaphore whose size follows the limit. */
    private static final class Slots extends Semaphore {
        Slots(int permits) {
            super(permits, true);
        }

        @Override
        protected void reducePermits(int reduction) {
            super.reducePermits(reduction);
        }
    }
}

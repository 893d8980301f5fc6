package dev.conduit.platform.limits;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleToIntFunction;

/**
 * The queue in front of something that serves a bounded number at once (the request handlers, the database
 * connections): at most {@link #permits()} hold it; the next wait their turn, first come first served, then are
 * refused. Once per {@link #INTERVAL}, two things adapt:
 * <ul>
 * <li>How many at once: {@code sizing} of how many were released per second lately.</li>
 * <li>How long to wait: {@code wait} normally, long enough to ride out a pause (a GC, a busy host) with no
 * refusal. Once more wait than are released in that time (the last of them would wait in vain), and more than the
 * permits it started with, more comes in than is served: they wait {@code overloadWait} at most (CoDel's
 * standing-queue idea), until the queue is within that bound again and {@link #HOLD} has passed with no refusal.
 * Waits count from each one's arrival: when an overload begins, those already waiting read the short wait too, and
 * once it runs, one behind more than are released in the short wait is refused without queueing.
 * The accepted ones keep their latency and the rest are refused early, instead of every one waiting in an ever
 * longer queue. The hold keeps a moment without refusals in the middle of an overload (a pause) from letting a new
 * batch wait the long wait.</li>
 * </ul>
 * A closed-loop client (N connections, each waiting for its answer) only ever queues its N less the permits in
 * use, so unless N is more than the starting permits and the current ones together, and than are released in
 * {@code wait}, it is never refused early, however long its requests take, even when it starts after an idle time
 * (nothing released lately); a refusal alone (a request that waited through a pause) does not start an overload
 * for the same reason.
 */
public final class Gate {
    static final Duration INTERVAL = Duration.ofMillis(100);
    static final Duration HOLD = Duration.ofSeconds(1);

    private final Turns slots;
    private final DoubleToIntFunction sizing;
    private final long waitNanos;
    private final long overloadWaitNanos;
    private final int shortQueue; // waiting no more than this is never an overload: the permits it started with
    private final LongAdder released = new LongAdder(); // every holder adds: no one contended counter
    private final LongAdder refused = new LongAdder();
    private final AtomicLong intervalEnd;
    private volatile long lastRefusal; // System.nanoTime() of the last one that waited in vain
    private final AtomicInteger permits;
    private volatile boolean overloaded;
    private volatile double releasedPerSecond; // written by the one thread that closes an interval
    private final Object state = new Object(); // guards the changes of overloaded
    private volatile Runnable onShedding = () -> { };

    /** {@code permits} at first; then {@code sizing} of the releases per second, once per interval. */
    public Gate(int permits, DoubleToIntFunction sizing, Duration wait, Duration overloadWait) {
        this.permits = new AtomicInteger(permits);
        this.sizing = sizing;
        slots = new Turns(permits);
        waitNanos = wait.toNanos();
        overloadWaitNanos = Math.min(overloadWait.toNanos(), waitNanos);
        shortQueue = permits;
        long now = System.nanoTime();
        intervalEnd = new AtomicLong(now + INTERVAL.toNanos());
        lastRefusal = now - 2 * HOLD.toNanos();
    }

    /**
     * Waits for a permit, as long as the state allows. False when none came in time or the thread was interrupted;
     * true obliges a {@link #leave()}.
     */
    public boolean enter() {
        adapt(System.nanoTime());
        // a queue already too long shortens this wait at once, not at the interval's end: a fast arrival rate
        // queues hundreds within an interval, each of which would wait the long wait
        boolean shed = overloaded();
        if (shed) {
            startShedding();
        }
        // and once overloaded, one behind more than are released in the short wait would wait in vain: refused
        // without queueing, in microseconds
        boolean inVain = shed && slots.waiting() >= Math.max(1, releasedIn(overloadWaitNanos));
        if (inVain || !slots.take(this::patience)) {
            lastRefusal = System.nanoTime();
            refused.increment();
            return false;
        }
        return true;
    }

    /**
     * How long one may wait now, from its arrival: read again by every waiter when an overload begins. The state
     * held, not the queue's length: a waiter counts itself in the queue, and would shorten its own wait.
     */
    private long patience() {
        return overloaded ? overloadWaitNanos : waitNanos;
    }

    /**
     * At an overload's start, those already waiting (for the long wait) and the queues told by {@link #whenShedding}
     * read their patience again: the ones that have waited longer than the short wait give up now. They had arrived
     * before it began, but at the start of an open-model overload they are a hundred requests or more that would
     * otherwise each wait up to the long wait behind permits held by slower requests (measured: cached reads waited
     * 100-320 ms in the first half second, while the client opened a connection for each).
     */
    private void startShedding() {
        if (overloaded) {
            return;
        }
        synchronized (state) {
            if (overloaded) {
                return;
            }
            // held from now on, as if an interval had closed: found on an arrival, it would otherwise end as soon
            // as the queue it was found by has given up
            overloaded = true;
        }
        wake();
    }

    private void wake() {
        slots.wakeAll();
        onShedding.run();
    }

    /** {@code queues} (a queue further in whose patience follows this state) woken when an overload begins. */
    public void whenShedding(Runnable queues) {
        onShedding = queues;
    }

    /** One that held a permit was refused further on (by a queue after this one): a sign of overload as one here. */
    public void refusedFurther() {
        lastRefusal = System.nanoTime();
    }

    public void leave() {
        slots.release();
        released.increment();
    }

    /** How many may hold it at once now. */
    public int permits() {
        return permits.get();
    }

    public int inUse() {
        return permits.get() - slots.availablePermits();
    }

    /** How many wait for a permit now (tests). */
    int waiting() {
        return slots.waiting();
    }

    /** Whether one that finds every permit taken now waits {@code overloadWait} at most. */
    public boolean overloaded() {
        return overloaded || queueTooLong();
    }

    /** How many waited in vain, since the start. */
    public long refused() {
        return refused.sum();
    }

    /** More wait than are released in a wait (the last of them would wait in vain), and than a short queue. */
    private boolean queueTooLong() {
        int n = slots.waiting();
        return n > shortQueue && n > releasedIn(waitNanos);
    }

    /** How many it releases in {@code nanos}, at the rate of late. */
    private double releasedIn(long nanos) {
        return releasedPerSecond * nanos / 1e9;
    }

    /** The first one after an interval ends closes it: the next interval's permits and wait. */
    private void adapt(long now) {
        long end = intervalEnd.get();
        if (now - end < 0 || !intervalEnd.compareAndSet(end, now + INTERVAL.toNanos())) {
            return;
        }
        long since = now - end + INTERVAL.toNanos(); // longer than an interval when no one came meanwhile
        double rate = released.sumThenReset() * 1e9 / since;
        releasedPerSecond = releasedPerSecond == 0 ? rate : (releasedPerSecond + rate) / 2;
        boolean began;
        synchronized (state) { // beside an arrival that starts the shedding: neither state change may be lost
            boolean was = overloaded;
            overloaded = was && now - lastRefusal < HOLD.toNanos() || queueTooLong();
            began = overloaded && !was;
        }
        if (began) {
            wake();
        }
        int next = sizing.applyAsInt(releasedPerSecond);
        // one change at a time, even if a late closer of this interval runs beside the next interval's
        int change = next - permits.getAndSet(next);
        if (change > 0) {
            slots.release(change);
        } else if (change < 0) {
            slots.shrink(-change);
        }
    }
}

package dev.conduit.platform.limits;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Permits taken first come first served (a fair semaphore), each taker waiting a time of its own; the count can
 * shrink while permits are out.
 */
public final class Turns extends Semaphore {
    private final AtomicInteger waiting = new AtomicInteger();

    public Turns(int permits) {
        super(permits, true);
    }

    /**
     * A permit, waiting up to {@code nanos} for it behind those already waiting; false when none came in time or
     * the thread was interrupted (the server is stopping it). True obliges a {@link #release()}.
     */
    public boolean take(long nanos) {
        try {
            if (tryAcquire(0, TimeUnit.NANOSECONDS)) { // a free permit and no one waiting (no barging)
                return true;
            }
            waiting.incrementAndGet();
            try {
                return tryAcquire(nanos, TimeUnit.NANOSECONDS);
            } finally {
                waiting.decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How many wait for a permit now. */
    public int waiting() {
        return waiting.get();
    }

    /** {@code n} fewer permits; those out now come back in their time, and the next takers wait for them. */
    public void shrink(int n) {
        reducePermits(n);
    }
}

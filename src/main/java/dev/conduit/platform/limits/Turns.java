package dev.conduit.platform.limits;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Permits taken in turn (first come first served, or barging: see below), each taker waiting as long as its
 * patience says, counted from its arrival
 * and read again whenever it wakes: {@link #wakeAll()} after the patience changed (an overload began) makes those
 * who have already waited longer than the new patience give up at once, instead of at the end of the wait they
 * started with (CoDel's idea: what matters is how long a request has waited). The count can shrink while permits
 * are out. A waiter that gives up is only marked and skipped later, so giving up costs no pass over the queue.
 *
 * <p>Strict turns hand a returned permit to the longest waiting, who must then be scheduled before it uses it: the
 * permit is idle meanwhile. Barging turns ({@link #barging}) let whoever asks while a permit is free take it, and
 * wake the longest waiting to try again: the database's turns are so, since with the pool's 5 connections and 64
 * requests waiting, the strict hand-over halved {@code mixed}'s throughput and doubled PostgreSQL's CPU per request
 * (bench/results/2026-12-05-mixed-bisect/). Waiters still keep their patience; they are only not served in order.
 */
public final class Turns {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>(); // in arrival order; may hold ones that gave up
    private int available; // negative after a shrink while permits were out
    private int givenUp; // waiters in the queue that gave up
    private volatile int waiting;
    private final boolean barging;

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final long since;
        volatile boolean granted;
        boolean gone; // gave up; guarded by lock

        Waiter(long since) {
            this.since = since;
        }
    }

    /** Strict turns: first come, first served. */
    public Turns(int permits) {
        this(permits, false);
    }

    private Turns(int permits, boolean barging) {
        available = permits;
        this.barging = barging;
    }

    /** Turns that a taker who finds a permit free takes at once, even while others wait. */
    public static Turns barging(int permits) {
        return new Turns(permits, true);
    }

    /**
     * A permit, waiting behind those already waiting for as long as {@code patience} (nanoseconds since the call)
     * allows; false when none came in time or the thread was or is interrupted (the server is stopping it), with
     * the interrupt kept. True obliges a {@link #release()}.
     */
    public boolean take(LongSupplier patience) {
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        long arrived = System.nanoTime();
        Waiter me;
        lock.lock();
        try {
            if (available > 0 && (barging || waiting == 0)) { // strict: no barging past those waiting
                available--;
                return true;
            }
            me = new Waiter(arrived); // only for those who wait: most take a free permit
            firstWaiting(); // drops those at the front that gave up
            queue.addLast(me);
            waiting++;
        } finally {
            lock.unlock();
        }
        try {
            while (!me.granted) {
                boolean interrupted = Thread.currentThread().isInterrupted();
                if (barging && !interrupted && claim(me)) {
                    return true;
                }
                long left = patience.getAsLong() - (System.nanoTime() - me.since);
                if (left <= 0 || interrupted) {
                    return !giveUp(me);
                }
                LockSupport.parkNanos(this, left);
            }
            return true;
        } catch (RuntimeException | Error e) { // a patience that threw: neither queued nor holding a permit after
            if (!giveUp(me)) {
                release();
            }
            throw e;
        }
    }

    /**
     * Barging: takes a free permit for {@code me}, who leaves the queue (marked, as one who gave up is); a permit still
     * free wakes the next waiter in turn.
     */
    private boolean claim(Waiter me) {
        Waiter next;
        lock.lock();
        try {
            if (available <= 0 || me.gone) {
                return false;
            }
            available--;
            me.granted = true;
            me.gone = true;
            waiting--;
            givenUp++;
            next = available > 0 ? firstWaiting() : null;
        } finally {
            lock.unlock();
        }
        wake(next);
        return true;
    }

    /**
     * False when a permit was handed to {@code me} meanwhile (it is then its to release). Barging: a release may have
     * woken {@code me} for a free permit, so the next waiter is woken in its place.
     */
    private boolean giveUp(Waiter me) {
        Waiter next;
        lock.lock();
        try {
            if (me.granted) {
                return false;
            }
            me.gone = true;
            waiting--;
            // given up from the middle of the queue (behind a more patient waiter) they would pile up: swept once
            // they outnumber the live ones
            if (++givenUp > 64 && givenUp > waiting) {
                queue.removeIf(w -> w.gone);
                givenUp = 0;
            }
            next = barging && available > 0 ? firstWaiting() : null;
        } finally {
            lock.unlock();
        }
        wake(next);
        return true;
    }

    /**
     * A permit back: to the longest waiting, else to the count. Barging: to the count, and the longest waiting is woken
     * to take it unless someone takes it first (one who takes it while more are free wakes the next: {@link #claim}).
     */
    public void release() {
        Waiter next;
        lock.lock();
        try {
            if (available < 0) { // a shrink is still being paid off
                available++;
                return;
            }
            next = firstWaiting();
            if (next == null || barging) {
                available++;
            } else {
                queue.pollFirst();
                waiting--;
                next.granted = true;
            }
        } finally {
            lock.unlock();
        }
        wake(next);
    }

    /** The longest waiting that has not given up (or claimed), those before it dropped; under the lock. */
    private Waiter firstWaiting() {
        Waiter first;
        while ((first = queue.peekFirst()) != null && first.gone) {
            queue.pollFirst();
            givenUp--;
        }
        return first;
    }

    private static void wake(Waiter waiter) {
        if (waiter != null) {
            LockSupport.unpark(waiter.thread);
        }
    }

    /** {@code n} more permits. */
    public void release(int n) {
        for (int i = 0; i < n; i++) {
            release();
        }
    }

    /** {@code n} fewer permits; those out now come back in their time, and the next takers wait for them. */
    public void shrink(int n) {
        lock.lock();
        try {
            available -= n;
        } finally {
            lock.unlock();
        }
    }

    /** Every waiter reads its patience again now. */
    public void wakeAll() {
        Thread[] threads;
        lock.lock();
        try {
            threads = queue.stream().filter(w -> !w.gone).map(w -> w.thread).toArray(Thread[]::new);
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }

    /** How many wait for a permit now. */
    public int waiting() {
        return waiting;
    }

    /** Permits free now; negative while that many are owed after a shrink. */
    public int availablePermits() {
        lock.lock();
        try {
            return available;
        } finally {
            lock.unlock();
        }
    }
}

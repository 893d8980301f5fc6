package dev.conduit.platform.cache;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One writer at a time per key (keys share a fixed set of locks), for writes whose changes caches apply to their
 * entries in place ({@link Cached#update}) instead of dropping them: a writer that commits and publishes while
 * holding its keys' locks is heard after every earlier commit to those keys and before every later one.
 */
public final class WriteOrder {
    private static final int STRIPES = 256;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public WriteOrder() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Runs {@code write} (commit, then publish) holding the lock of {@code key}. */
    public void locked(long key, Runnable write) {
        locked(key, () -> {
            write.run();
            return null;
        });
    }

    /** The same, for a write that returns what it wrote. */
    public <T> T locked(long key, Supplier<T> write) {
        var lock = locks[stripe(key)];
        lock.lock();
        try {
            return write.get();
        } finally {
            lock.unlock();
        }
    }

    private static int stripe(long key) {
        return (int) ((key ^ (key >>> 32)) * 0x9E3779B9L >>> 24) & (STRIPES - 1);
    }
}

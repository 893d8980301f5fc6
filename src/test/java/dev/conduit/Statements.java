package dev.conduit;

import dev.conduit.platform.db.StatementListener;
import dev.conduit.platform.jobs.Jobs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The test server's statement hook: counts every SQL statement of a request, and lets a test see them, or act between two
 * statements of one request (to play a race out in a chosen order). Tests run one at a time, so what runs while a
 * test waits for its request is that request.
 */
public final class Statements implements StatementListener {
    private final LongAdder executed = new LongAdder();
    private final List<StatementListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void executed(String sql) {
        if (Thread.currentThread().getName().startsWith(Jobs.WORKER_THREADS)) {
            return; // background work, not a request's: the workers look for jobs twice a second
        }
        executed.increment();
        listeners.forEach(listener -> listener.executed(sql));
    }

    /** How many statements the server ran while {@code requests} ran. */
    public long countDuring(Runnable requests) {
        long before = executed.sum();
        requests.run();
        return executed.sum() - before;
    }

    /** Runs {@code requests} with {@code listener} hearing of every statement meanwhile. */
    public <T> T listening(StatementListener listener, Supplier<T> requests) {
        listeners.add(listener);
        try {
            return requests.get();
        } finally {
            listeners.remove(listener);
        }
    }

    /**
     * Runs {@code requests}; right after the first statement whose SQL contains {@code fragment}, and before the
     * request that ran it goes on, runs {@code meanwhile} (on that request's thread, outside its transaction).
     */
    public <T> T interleaving(String fragment, Runnable meanwhile, Supplier<T> requests) {
        var done = new AtomicBoolean();
        T result = listening(sql -> {
            if (sql.contains(fragment) && done.compareAndSet(false, true)) {
                meanwhile.run();
            }
        }, requests);
        if (!done.get()) {
            throw new AssertionError("no statement containing '" + fragment + "' ran");
        }
        return result;
    }
}

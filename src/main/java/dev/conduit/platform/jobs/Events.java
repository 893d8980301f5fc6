package dev.conduit.platform.jobs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * What happened, told in the transaction of the write that made it happen: each listener (webhooks, email) queues there the
 * jobs it calls for, so they exist exactly when the change does. Whether a listener wants an event is known from
 * memory before the write: a write nobody listens to runs as it did without events (a single statement commits
 * alone, in one round trip), and only one that is listened to takes a transaction and queues its jobs.
 */
public final class Events {
    /** Hears the events it wants, in the writers' transactions. */
    public interface Listener {
        /**
         * Whether it queues anything for event {@code name} of {@code owner} (null: an account the write makes):
         * asked before each write, from memory.
         */
        boolean wants(String name, Long owner);

        /** Queues its jobs for {@code event}, if it wants it, in the writer's transaction {@code h}. */
        void heard(Handle h, Event event);
    }

    /**
     * {@code owner}: whose thing it happened to (the article's author); {@code actor}: who did it (the commenter);
     * {@code data}: the event's body, as receivers see it, worked out once, and only when a listener asks.
     */
    public record Event(String name, long owner, long actor, Supplier<Object> data) {
        public Event {
            data = memoized(data);
        }
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Each feature that reacts to events listens once, before the server starts. */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Whether any listener wants event {@code name} of {@code owner} (null: an account the write makes). */
    public boolean wanted(String name, Long owner) {
        for (var listener : listeners) {
            if (listener.wants(name, owner)) {
                return true;
            }
        }
        return false;
    }

    /** Tells the listeners of {@code event}, in the writer's transaction {@code h}. */
    public void tell(Handle h, Event event) {
        for (var listener : listeners) {
            listener.heard(h, event);
        }
    }

    /**
     * Runs {@code write}, which makes event {@code name} of {@code owner} (null: an account it makes): in a
     * transaction with the event ({@code told}, from the write's result; null: none after all) told there when a
     * listener wants it; else as it is, on a handle of its own.
     */
    public <T> T write(Jdbi jdbi, String name, Long owner, HandleCallback<T, RuntimeException> write,
                       Function<? super T, Event> told) {
        if (!wanted(name, owner)) {
            return jdbi.withHandle(write);
        }
        return jdbi.inTransaction(h -> {
            T result = write.withHandle(h);
            var event = told.apply(result);
            if (event != null) {
                tell(h, event);
            }
            return result;
        });
    }

    private static Supplier<Object> memoized(Supplier<Object> data) {
        return new Supplier<>() {
            private Object value;

            @Override
            public synchronized Object get() {
                if (value == null) {
                    value = data.get();
                }
                return value;
            }
        };
    }
}

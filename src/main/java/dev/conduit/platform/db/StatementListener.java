package dev.conduit.platform.db;

import java.time.Instant;

/** Told of each SQL statement the application ran, on the thread that ran it, once PostgreSQL has answered. */
@FunctionalInterface
public interface StatementListener {
    StatementListener NONE = sql -> {
    };

    /** {@code sql} is the statement as sent, with {@code ?} for each bound value; it succeeded. */
    void executed(String sql);

    /**
     * The same, with when it was sent and when its answer was read, and its failure (null when it succeeded): what
     * a trace shows. By default a success is passed on to {@link #executed(String)}, a failure ignored.
     */
    default void executed(String sql, Instant sent, Instant answered, Throwable failure) {
        if (failure == null) {
            executed(sql);
        }
    }
}

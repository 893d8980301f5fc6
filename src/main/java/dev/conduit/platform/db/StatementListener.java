package dev.conduit.platform.db;

/** Told of each SQL statement the application ran, on the thread that ran it, once PostgreSQL has answered. */
@FunctionalInterface
public interface StatementListener {
    StatementListener NONE = sql -> {
    };

    /** {@code sql} is the statement as sent, with {@code ?} for each bound value. */
    void executed(String sql);
}

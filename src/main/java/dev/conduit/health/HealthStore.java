package dev.conduit.health;

import org.jdbi.v3.core.Handle;

/** The one statement readiness runs: does the database answer at all, within {@code seconds}. */
final class HealthStore {
    void ping(Handle h, int seconds) {
        h.createQuery("SELECT 1").setQueryTimeout(seconds).mapTo(Integer.class).one();
    }
}

package dev.conduit.health;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Whether this process should be sent requests. A probe must answer in time whatever the database does, so the
 * database check waits a bounded time, on a thread of its own, for the pool and one trivial statement.
 */
public final class Health {
    private static final Duration DATABASE_BOUND = Duration.ofSeconds(1);

    private final Jdbi jdbi;
    private final HealthStore store = new HealthStore();
    private final Supplier<String> schemaVersion;
    private volatile boolean draining;

    /** {@code schemaVersion}: what start-up's migrations left (the server listens only once they are done). */
    public Health(Jdbi jdbi, Supplier<String> schemaVersion) {
        this.jdbi = jdbi;
        this.schemaVersion = schemaVersion;
    }

    /** Each check by name, UP or DOWN with why. */
    public record Report(Map<String, Map<String, String>> checks) {
        /** Whether every check is UP. */
        public boolean up() {
            return checks.values().stream().allMatch(check -> check.get("status").equals("UP"));
        }
    }

    /** From now on, readiness is DOWN: the process is stopping and wants no new requests. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    public Report readiness() {
        var checks = new LinkedHashMap<String, Map<String, String>>();
        checks.put("shutdown", draining ? check("DOWN", "shutting down") : check("UP", null));
        String database = databaseProblem();
        checks.put("database", database == null ? check("UP", null) : check("DOWN", database));
        checks.put("migrations", check("UP", "schema at version " + schemaVersion.get()));
        return new Report(checks);
    }

    /** Null when the database answered within the bound, else what went wrong (no SQL, no credentials). */
    private String databaseProblem() {
        var probe = CompletableFuture.runAsync(
                () -> jdbi.useHandle(h -> store.ping(h, (int) DATABASE_BOUND.toSeconds())), Thread.ofVirtual()::start);
        try {
            probe.get(DATABASE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "no answer within " + DATABASE_BOUND.toMillis() + " ms";
        } catch (ExecutionException e) {
            return "unavailable (" + reason(e.getCause()) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "check interrupted";
        }
    }

    /**
     * The SQLSTATE when the driver gave one (08006: the connection broke; 08001: none could be made; 57P01: the
     * server is shutting down), else the failure's type: the endpoint is public, so no message, host or SQL.
     */
    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return "SQLSTATE " + sql.getSQLState();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static Map<String, String> check(String status, String detail) {
        var check = new LinkedHashMap<String, String>();
        check.put("status", status);
        if (detail != null) {
            check.put("detail", detail);
        }
        return check;
    }
}

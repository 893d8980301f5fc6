package dev.conduit.platform.db;

import dev.conduit.platform.domain.Failure;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.postgresql.util.PSQLException;

/**
 * What a store's own constraints mean to a client: when PostgreSQL refuses a statement by one of them (a unique
 * value taken, a referenced row deleted meanwhile), the client gets the failure named for it. A refusal by any
 * other constraint passes through untouched: no store expects it, so it is a bug.
 */
public final class Refusals {
    /** SQLSTATE class 23: integrity constraint violations (unique, foreign key, check, not null). */
    private static final String INTEGRITY_VIOLATION = "23";

    private final Map<String, Supplier<Failure>> byConstraint;

    private Refusals(Map<String, Supplier<Failure>> byConstraint) {
        this.byConstraint = byConstraint;
    }

    /** {@code byConstraint}: constraint (or unique index) name to the failure its refusal means. */
    public static Refusals of(Map<String, Supplier<Failure>> byConstraint) {
        return new Refusals(Map.copyOf(byConstraint));
    }

    /** Runs {@code statement}; a refusal by one of these constraints is thrown as its failure. */
    public <T> T on(Supplier<T> statement) {
        try {
            return statement.get();
        } catch (RuntimeException e) {
            throw violatedConstraint(e).map(byConstraint::get).map(Supplier::get).orElseThrow(() -> e);
        }
    }

    private static Optional<String> violatedConstraint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && psql.getSQLState() != null
                    && psql.getSQLState().startsWith(INTEGRITY_VIOLATION) && psql.getServerErrorMessage() != null) {
                return Optional.ofNullable(psql.getServerErrorMessage().getConstraint());
            }
        }
        return Optional.empty();
    }
}

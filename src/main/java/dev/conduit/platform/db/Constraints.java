package dev.conduit.platform.db;

import java.util.Optional;
import org.postgresql.util.PSQLException;

/** Reads why PostgreSQL refused a statement (which constraint, which rule), so the client gets a clean 4xx. */
public final class Constraints {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";

    private Constraints() {
    }

    /** The name of the unique constraint (or index) that {@code failure} violated, if that is what it is. */
    public static Optional<String> violatedUnique(Throwable failure) {
        return cause(failure, UNIQUE_VIOLATION)
                .map(PSQLException::getServerErrorMessage)
                .map(message -> message.getConstraint());
    }

    /** True when {@code failure} is a foreign key violation: a referenced row was deleted meanwhile. */
    public static boolean isForeignKeyViolation(Throwable failure) {
        return cause(failure, FOREIGN_KEY_VIOLATION).isPresent();
    }

    /** True when {@code failure} is PostgreSQL refusing text it cannot store (a NUL character). */
    public static boolean isUnstorableText(Throwable failure) {
        return cause(failure, CHARACTER_NOT_IN_REPERTOIRE).isPresent();
    }

    private static Optional<PSQLException> cause(Throwable failure, String sqlState) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && sqlState.equals(psql.getSQLState())) {
                return Optional.of(psql);
            }
        }
        return Optional.empty();
    }
}

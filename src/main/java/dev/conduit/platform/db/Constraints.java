package dev.conduit.platform.db;

import java.util.Optional;
import org.postgresql.util.PSQLException;

/** Reads which schema constraint a failed statement hit, so a race can end in a clean 4xx. */
public final class Constraints {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

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

    private static Optional<PSQLException> cause(Throwable failure, String sqlState) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && sqlState.equals(psql.getSQLState())) {
                return Optional.of(psql);
            }
        }
        return Optional.empty();
    }
}

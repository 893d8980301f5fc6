package dev.conduit.platform.domain;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The closed set of ways a request can fail, as logic and stores say it: each names the fields (or the resource)
 * it concerns and a message for each. Only {@code platform/http} knows which HTTP status each one is. No stack
 * trace: they are answers, not bugs.
 */
public abstract sealed class Failure extends RuntimeException {
    private final transient Map<String, List<String>> errors;

    private Failure(Map<String, List<String>> errors) {
        super(errors.toString(), null, false, false);
        this.errors = errors;
    }

    private Failure(String field, String message) {
        this(Map.of(field, List.of(message)));
    }

    public Map<String, List<String>> errors() {
        return errors;
    }

    /** The first failure of {@code type} in {@code e}'s chain of causes, however a library wrapped it. */
    public static <T extends Failure> Optional<T> within(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    /** The request is readable, but its values break the rules (every field's problems at once). */
    public static final class Invalid extends Failure {
        public Invalid(Map<String, List<String>> errors) {
            super(errors);
        }

        public Invalid(String field, String message) {
            super(field, message);
        }
    }

    /** The input cannot be read at all (not JSON, say). */
    public static final class Malformed extends Failure {
        public Malformed(String field, String message) {
            super(field, message);
        }
    }

    /** No usable credentials: a missing, invalid or expired token, a wrong password, or an account gone. */
    public static final class Unauthorized extends Failure {
        public Unauthorized(String field, String message) {
            super(field, message);
        }

        /** A valid token whose account no longer exists, whenever the request finds that out. */
        public static Unauthorized accountGone() {
            return new Unauthorized("token", "belongs to an account that no longer exists");
        }
    }

    /** Authenticated, but the resource belongs to someone else. */
    public static final class Forbidden extends Failure {
        public Forbidden(String resource) {
            super(resource, "forbidden");
        }
    }

    /** The named resource (article, profile, comment, route) does not exist, or no longer does. */
    public static final class NotFound extends Failure {
        public NotFound(String resource) {
            super(resource, "not found");
        }
    }

    /**
     * A value that must be unique (username, email, slug) belongs to another record already, or is held by another
     * request still running (an idempotency key).
     */
    public static final class Conflict extends Failure {
        private final String field;

        private Conflict(String field, String message) {
            super(field, message);
            this.field = field;
        }

        public static Conflict taken(String field) {
            return new Conflict(field, "has already been taken");
        }

        /** {@code field}'s value is held by a request that has not finished: retry once it has. */
        public static Conflict busy(String field) {
            return new Conflict(field, "is in use by a request still running, retry shortly");
        }

        public String field() {
            return field;
        }
    }

    /** The caller (an address, an account, an email's failed logins) went over its rate limit: retry after a while. */
    public static final class Throttled extends Failure {
        private final long retryAfterSeconds;

        /** {@code wait}: until a request is allowed again; said in whole seconds, rounded up (Retry-After's unit). */
        public Throttled(String field, Duration wait) {
            this(field, Math.max(1, (wait.toMillis() + 999) / 1000));
        }

        private Throttled(String field, long retryAfterSeconds) {
            super(field, "too many requests, retry in " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** A bounded resource (password hashing, database connections) stayed busy: retry shortly. */
    public static final class Overloaded extends Failure {
        public Overloaded() {
            super("server", "is busy, retry shortly");
        }
    }
}

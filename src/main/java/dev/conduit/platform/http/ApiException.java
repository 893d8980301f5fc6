package dev.conduit.platform.http;

import java.util.List;
import java.util.Map;

/**
 * The closed set of failures a request can end in. Logic throws them; {@link ErrorResponses} alone maps them to
 * a status and the {@code {"errors": {"<field>": ["<message>"]}}} body. No stack trace: they are answers, not bugs.
 */
public abstract sealed class ApiException extends RuntimeException {
    private final transient Map<String, List<String>> errors;

    private ApiException(Map<String, List<String>> errors) {
        super(errors.toString(), null, false, false);
        this.errors = errors;
    }

    private ApiException(String field, String message) {
        this(Map.of(field, List.of(message)));
    }

    public Map<String, List<String>> errors() {
        return errors;
    }

    /** 422: the request is well-formed but its values break the rules. */
    public static final class Invalid extends ApiException {
        public Invalid(Map<String, List<String>> errors) {
            super(errors);
        }

        public Invalid(String field, String message) {
            super(field, message);
        }
    }

    /** 400: the body is not JSON at all. */
    public static final class Malformed extends ApiException {
        public Malformed(String field, String message) {
            super(field, message);
        }
    }

    /** 401: no usable credentials (missing, invalid or expired token; wrong password). */
    public static final class Unauthorized extends ApiException {
        public Unauthorized(String field, String message) {
            super(field, message);
        }
    }

    /** 403: authenticated, but the resource belongs to someone else. */
    public static final class Forbidden extends ApiException {
        public Forbidden(String resource) {
            super(resource, "forbidden");
        }
    }

    /** 404: the named resource (article, profile, comment, route) does not exist. */
    public static final class NotFound extends ApiException {
        public NotFound(String resource) {
            super(resource, "not found");
        }
    }

    /** 405: the path exists, the method does not; {@code allow} lists the methods that do. */
    public static final class MethodNotAllowed extends ApiException {
        private final String allow;

        public MethodNotAllowed(String method, String allow) {
            super("method", method + " is not allowed here");
            this.allow = allow;
        }

        public String allow() {
            return allow;
        }
    }

    /** 409: a unique value (username, email) is taken. */
    public static final class Conflict extends ApiException {
        public Conflict(String field, String message) {
            super(field, message);
        }
    }

    /** 503: a bounded resource (password hashing, database connections) stayed busy; retry later. */
    public static final class Overloaded extends ApiException {
        public Overloaded() {
            super("server", "is busy, retry shortly");
        }
    }
}

package dev.conduit.platform.http;

import dev.conduit.platform.db.Constraints;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one place where failures become HTTP answers: {@link ApiException}s map to their status, errors raised by
 * the HTTP layer itself (bad framing, oversized bodies) get the same JSON shape, and anything unexpected becomes
 * a 500 whose body carries only a request id; the stack trace goes to the log under that id.
 */
public final class ErrorResponses {
    private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());

    private ErrorResponses() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(Throwable.class, ErrorResponses::handle);
    }

    /** The last route: no path matched. */
    public static void notFound(ServerRequest req, ServerResponse res) {
        throw new ApiException.NotFound("route");
    }

    /**
     * Registered after a path's real methods: OPTIONS is answered with the Allow list (204), any other method
     * gets 405 with the same list.
     */
    public static Handler methodNotAllowed(String allow) {
        return (req, res) -> {
            if (req.prologue().method() == Method.OPTIONS) {
                res.header(HeaderNames.ALLOW, allow).status(Status.NO_CONTENT_204).send();
                return;
            }
            throw new ApiException.MethodNotAllowed(req.prologue().method().text(), allow);
        };
    }

    static void handle(ServerRequest req, ServerResponse res, Throwable failure) {
        ApiException answer = failure instanceof ApiException api ? api : translate(failure);
        if (answer != null) {
            send(res, answer);
        } else if (failure instanceof RequestException http && http.status().code() < 500) {
            Json.send(res, http.status(), Map.of("errors", Map.of("request", List.of(http.status().reasonPhrase()))));
        } else {
            String requestId = UUID.randomUUID().toString();
            // control characters escaped: a crafted path must not forge log lines
            String path = req.path().rawPath().replaceAll("\\p{Cntrl}", "?");
            LOG.log(System.Logger.Level.ERROR, "Request " + requestId + " failed: "
                    + req.prologue().method().text() + " " + path, failure);
            Json.send(res, Status.INTERNAL_SERVER_ERROR_500,
                    Map.of("errors", Map.of("server", List.of("unexpected error, request id " + requestId))));
        }
    }

    /** Database refusals that are not bugs, as the answer they deserve; null for anything else. */
    private static ApiException translate(Throwable failure) {
        if (Constraints.isForeignKeyViolation(failure)) {
            // a row the request points at (its own account, an article) was deleted by someone else meanwhile
            return new ApiException.Conflict("request", "refers to a record that no longer exists");
        }
        if (Constraints.isUnstorableText(failure)) {
            // text PostgreSQL cannot hold that arrived outside a JSON body (a NUL in a path or query parameter)
            return new ApiException.Invalid("request", "contains characters that cannot be stored");
        }
        if (isPoolTimeout(failure)) {
            LOG.log(System.Logger.Level.WARNING, "No database connection within the timeout: " + failure.getMessage());
            return new ApiException.Overloaded();
        }
        return null;
    }

    private static Status status(ApiException e) {
        return switch (e) {
            case ApiException.Invalid i -> Status.UNPROCESSABLE_CONTENT_422;
            case ApiException.Malformed m -> Status.BAD_REQUEST_400;
            case ApiException.Unauthorized u -> Status.UNAUTHORIZED_401;
            case ApiException.Forbidden f -> Status.FORBIDDEN_403;
            case ApiException.NotFound n -> Status.NOT_FOUND_404;
            case ApiException.MethodNotAllowed m -> Status.METHOD_NOT_ALLOWED_405;
            case ApiException.Conflict c -> Status.CONFLICT_409;
            case ApiException.Overloaded o -> Status.SERVICE_UNAVAILABLE_503;
        };
    }

    private static void send(ServerResponse res, ApiException api) {
        if (api instanceof ApiException.MethodNotAllowed m) {
            res.header(HeaderNames.ALLOW, m.allow());
        }
        if (api instanceof ApiException.Overloaded) {
            res.header(HeaderNames.RETRY_AFTER, "1");
        }
        Json.send(res, status(api), Map.of("errors", api.errors()));
    }

    private static boolean isPoolTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    /**
     * For errors the server answers before routing (malformed request line, body over the size limit): the
     * same JSON error shape, never an HTML or plain-text page.
     */
    public static DirectHandler directHandler() {
        return (request, eventType, status, headers, message) -> {
            String text = status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()
                    ? "is larger than the server accepts" : status.reasonPhrase();
            byte[] body = Json.bytes(Map.of("errors", Map.of("request", List.of(text))));
            headers.set(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .entity(body)
                    .build();
        };
    }
}

package dev.conduit.platform.http;

import dev.conduit.platform.db.Database;
import dev.conduit.platform.domain.Failure;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place where failures become HTTP answers: each {@link Failure} maps to its status, errors raised by the
 * HTTP layer itself (bad framing, oversized bodies, unknown methods) get the same JSON shape, and anything
 * unexpected becomes a 500 whose body carries only a request id; the stack trace goes to the log under that id.
 */
public final class ErrorResponses {
    private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());
    private static final Warnings DATABASE_WARNINGS = new Warnings();

    private ErrorResponses() {
    }

    /** Every error of {@code routing}'s handlers: a page where {@code pages} serve the path, else JSON. */
    public static void register(HttpRouting.Builder routing, ErrorPages pages) {
        routing.error(Throwable.class, (req, res, failure) -> handle(req, res, failure, pages));
    }

    /** The last route: no path matched. */
    public static void notFound(ServerRequest req, ServerResponse res) {
        throw new Failure.NotFound("route");
    }

    /**
     * Registered after a path's real methods: OPTIONS is answered with the {@code allow} list (204), any other
     * method gets 405 with the same list.
     */
    static Handler otherMethods(String allow) {
        return (req, res) -> {
            Method method = req.prologue().method();
            if (method != Method.OPTIONS) {
                throw new NotAllowed(method, allow); // to the error handler, which knows whether a page answers
            }
            res.header(HeaderNames.ALLOW, allow);
            res.status(Status.NO_CONTENT_204).send();
        };
    }

    /** A method the path does not serve; {@code allow} lists those it does. */
    private static final class NotAllowed extends RuntimeException {
        private final String allow;

        NotAllowed(Method method, String allow) {
            super(method.text() + " is not allowed here", null, false, false);
            this.allow = allow;
        }
    }

    static void handle(ServerRequest req, ServerResponse res, Throwable failure, ErrorPages pages) {
        if (failure instanceof Failure known) {
            send(req, res, known, pages);
        } else if (failure instanceof NotAllowed notAllowed) {
            res.header(HeaderNames.ALLOW, notAllowed.allow);
            send(req, res, Status.METHOD_NOT_ALLOWED_405, Map.of("method", List.of(notAllowed.getMessage())), pages);
        } else if (Database.unavailable(failure)) {
            DATABASE_WARNINGS.log(failure);
            send(req, res, new Failure.Overloaded(), pages);
        } else if (failure instanceof RequestException http && http.status().code() < 500) {
            send(req, res, http.status(), body(http.status().reasonPhrase()), pages);
        } else {
            String requestId = RequestIds.of(res);
            // control characters escaped: a crafted path must not forge log lines
            String path = req.path().rawPath().replaceAll("\\p{Cntrl}", "?");
            LOG.log(System.Logger.Level.ERROR, "Request " + requestId + " failed: "
                    + req.prologue().method().text() + " " + path, failure);
            send(req, res, Status.INTERNAL_SERVER_ERROR_500,
                    Map.of("server", List.of("unexpected error, request id " + requestId)), pages);
        }
    }

    /** The status a failure is answered with (a page that shows a form's problems answers with it too). */
    public static Status status(Failure failure) {
        return switch (failure) {
            case Failure.Invalid i -> Status.UNPROCESSABLE_CONTENT_422;
            case Failure.Malformed m -> Status.BAD_REQUEST_400;
            case Failure.Unauthorized u -> Status.UNAUTHORIZED_401;
            case Failure.Forbidden f -> Status.FORBIDDEN_403;
            case Failure.NotFound n -> Status.NOT_FOUND_404;
            case Failure.Conflict c -> Status.CONFLICT_409;
            case Failure.Overloaded o -> Status.SERVICE_UNAVAILABLE_503;
            case Failure.Throttled t -> Status.TOO_MANY_REQUESTS_429;
        };
    }

    private static void send(ServerRequest req, ServerResponse res, Failure failure, ErrorPages pages) {
        if (failure instanceof Failure.Overloaded) {
            res.header(HeaderNames.RETRY_AFTER, "1");
        } else if (failure instanceof Failure.Throttled throttled) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(throttled.retryAfterSeconds()));
        }
        send(req, res, status(failure), failure.errors(), pages);
    }

    private static void send(ServerRequest req, ServerResponse res, Status status, Map<String, List<String>> errors,
                             ErrorPages pages) {
        if (pages.serves(req.prologue().uriPath().rawPath())) {
            Html.page(req, res, status, pages.page(req, status, errors), false);
        } else {
            Json.send(req, res, status, Map.of("errors", errors));
        }
    }

    /** What the HTTP layer itself refused, as the API's body says it. */
    private static Map<String, List<String>> body(String reason) {
        return Map.of("request", List.of(reason));
    }

    /** One warning per interval at most, counting the rest: an outage fails every request, not one. */
    private static final class Warnings {
        private static final long INTERVAL_NANOS = 10_000_000_000L;
        private final AtomicLong next = new AtomicLong(System.nanoTime());
        private final AtomicLong suppressed = new AtomicLong();

        void log(Throwable failure) {
            long now = System.nanoTime();
            long due = next.get();
            if (now - due < 0 || !next.compareAndSet(due, now + INTERVAL_NANOS)) {
                suppressed.incrementAndGet();
                return;
            }
            long others = suppressed.getAndSet(0);
            LOG.log(System.Logger.Level.WARNING, "Database unavailable, answering 503: " + failure.getMessage()
                    + (others > 0 ? " (and " + others + " more in the last interval)" : ""));
        }
    }

    /**
     * For errors the server answers before routing (malformed request line, body over the size limit): the
     * same JSON error shape as the API's, or the site's error page where {@code pages} serve the path; never
     * Helidon's plain-text answer.
     */
    public static DirectHandler directHandler(ErrorPages pages) {
        return (request, eventType, status, headers, message) -> {
            String text = status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()
                    ? "is larger than the server accepts" : status.reasonPhrase();
            SecurityHeaders.set(headers);
            if (status.code() == Status.SERVICE_UNAVAILABLE_503.code()) {
                headers.set(HeaderNames.RETRY_AFTER, "1"); // more requests at once than MAX_CONCURRENT_REQUESTS
            }
            String path = request.path();
            int query = path.indexOf('?');
            byte[] entity;
            if (pages.serves(query < 0 ? path : path.substring(0, query))) {
                Html.errorPageHeaders(headers);
                entity = pages.pageForAnyone(status, body(text));
            } else {
                headers.set(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
                entity = Json.bytes(Map.of("errors", body(text)));
            }
            return DirectHandler.TransportResponse.builder().status(status).headers(headers).entity(entity).build();
        };
    }
}

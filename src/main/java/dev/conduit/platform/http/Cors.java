package dev.conduit.platform.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Lets browsers call the API from other origins (a RealWorld front end on its own host or port). Tokens travel
 * in the Authorization header, never in cookies, so no credentials mode is needed. Written here rather than
 * taken from helidon-webserver-cors 4.4.0, which refuses the preflight browsers send
 * ({@code Access-Control-Request-Headers: authorization,content-type}, without a space) with a 403.
 */
public final class Cors implements Filter {
    private static final Header ALLOW_HEADERS = HeaderValues.createCached(
            HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, X-Request-Id, Idempotency-Key");
    // a page may read the id of an answer, to report it with an error, and whether it was a replay
    private static final Header EXPOSE_HEADERS = HeaderValues.createCached(
            HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Request-Id, Idempotent-Replayed");
    private static final Header MAX_AGE = HeaderValues.createCached(HeaderNames.ACCESS_CONTROL_MAX_AGE, "3600");
    private static final Header ANY_ORIGIN = HeaderValues.createCached(
            HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");

    private final Set<String> origins;
    private final boolean anyOrigin;
    private final RouteTable routes;

    /**
     * {@code origins}: exact origins such as {@code https://app.example.com}, or {@code *} for any; a preflight
     * is told the methods of {@code routes}.
     */
    public Cors(Set<String> origins, RouteTable routes) {
        this.origins = origins;
        this.anyOrigin = origins.contains("*");
        this.routes = routes;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        // the API's alone: the web site's pages are for their own origin
        if (origin.isEmpty() || !req.path().rawPath().startsWith(routes.prefix() + "/")
                || !(anyOrigin || origins.contains(origin.get()))) {
            // same-origin or not allowed: no CORS headers, so a browser will not hand the answer to the page
            chain.proceed();
            return;
        }
        if (anyOrigin) {
            res.header(ANY_ORIGIN);
        } else {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
            res.headers().add(HeaderNames.VARY, "Origin");
        }
        if (req.prologue().method() == Method.OPTIONS
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods())
                    .header(ALLOW_HEADERS).header(MAX_AGE).status(Status.NO_CONTENT_204).send();
            return;
        }
        res.header(EXPOSE_HEADERS);
        chain.proceed();
    }

    /** Every method some route serves (a preflight is rare: browsers keep its answer for the max age). */
    private String methods() {
        return routes.routes().stream().map(route -> route.method().text()).distinct()
                .collect(Collectors.joining(", "));
    }
}

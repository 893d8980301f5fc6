package dev.conduit.platform.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every request has an id: the caller's {@code X-Request-Id} when it is sane (a proxy or a client may have set
 * one to follow the request through several services), else a new UUID. It goes back on the answer, and a 500's
 * body and log line name it.
 */
public final class RequestIds implements Filter {
    static final HeaderName HEADER = HeaderNames.create("X-Request-Id");
    /** Letters, digits and a few separators, at most 128 of them: nothing that could forge or break a log line. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");
    private static final String KEY = "conduit.request-id";

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(HEADER).filter(value -> SANE.matcher(value).matches())
                .orElseGet(() -> UUID.randomUUID().toString());
        req.context().register(KEY, id);
        res.header(HEADER, id);
        chain.proceed();
    }

    /** The request's id; one made up for a request that was answered before the filter ran. */
    static String of(ServerRequest req) {
        return req.context().get(KEY, String.class).orElseGet(() -> UUID.randomUUID().toString());
    }
}

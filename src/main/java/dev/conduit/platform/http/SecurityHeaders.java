package dev.conduit.platform.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * What every answer tells browsers: take the content type as given (nosniff), send no {@code Referer} from it,
 * load nothing for it and show it in no frame (clickjacking). A page that loads things (the docs page) replaces
 * the policy with its own. {@code no-referrer} rather than {@code strict-origin-when-cross-origin}: nothing of
 * Conduit reads a {@code Referer}, so no origin need leave. Prebuilt values, set in the first filters (and by
 * {@link ErrorResponses#directHandler} on the answers Helidon writes before routing).
 */
public final class SecurityHeaders implements Filter {
    private static final Header NO_SNIFF = HeaderValues.createCached(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    private static final Header NO_REFERRER = HeaderValues.createCached(HeaderNames.create("Referrer-Policy"),
            "no-referrer");
    private static final Header NOTHING_TO_LOAD = HeaderValues.createCached(
            HeaderNames.create("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
    /** frame-ancestors for browsers too old to read it in the policy. */
    private static final Header NO_FRAMES = HeaderValues.createCached(HeaderNames.create("X-Frame-Options"), "DENY");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(NO_SNIFF).header(NO_REFERRER).header(NOTHING_TO_LOAD).header(NO_FRAMES);
        chain.proceed();
    }

    static void set(WritableHeaders<?> headers) {
        headers.set(NO_SNIFF).set(NO_REFERRER).set(NOTHING_TO_LOAD).set(NO_FRAMES);
    }
}

package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.SetCookie;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The web pages' side of HTTP: HTML answers (gzipped when accepted, an entity tag where the page is the same for
 * every visitor), redirects after a form post, form bodies, and cookies (HttpOnly, SameSite=Lax, Secure over TLS).
 */
public final class Html {
    private static final Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
            "text/html; charset=utf-8");
    /**
     * What a page may load: its own scripts, styles, fonts and images, and pictures from anywhere (users' avatars
     * and the images in articles are URLs they chose); forms post only here; no frames, plugins or base URL.
     */
    private static final Header POLICY = HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"),
            "default-src 'self'; img-src 'self' https: http: data:; object-src 'none'; base-uri 'none'; "
                    + "form-action 'self'; frame-ancestors 'none'");
    /** Browsers ask again each time (a page changes with every write), cheaply when an ETag still matches. */
    private static final Header REVALIDATE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-cache");
    /** Pages for one signed-in browser: never kept by a shared cache. */
    private static final Header PRIVATE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "private, no-store");
    private static final Header VARY = HeaderValues.createCached(HeaderNames.VARY, "Accept-Encoding, Cookie");
    /** A form's fields, at most: a form of ours has eight. */
    private static final int MAX_FIELDS = 32;

    private Html() {
    }

    /** A rendered page's bytes, as its renderer holds them (in pieces), written out in order. */
    @FunctionalInterface
    public interface Pieces {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A page: what {@code html} writes, gathered in a pooled buffer. {@code shared}: the same for every visitor who
     * sends no session cookie, so it carries an entity tag (a 304 when the browser holds it already); otherwise it
     * is marked private.
     */
    public static void page(ServerRequest req, ServerResponse res, Status status, Pieces html, boolean shared) {
        AnswerBuffer page = AnswerBuffer.render(html);
        try {
            page(req, res, status, page.bytes(), page.size(), shared);
        } finally {
            page.releaseToPool();
        }
    }

    /** A page already in one array (an error page, a page kept rendered): sent from it, not copied first. */
    public static void page(ServerRequest req, ServerResponse res, Status status, byte[] html, boolean shared) {
        page(req, res, status, html, html.length, shared);
    }

    private static void page(ServerRequest req, ServerResponse res, Status status, byte[] html, int size,
                             boolean shared) {
        res.header(POLICY).header(VARY).header(shared ? REVALIDATE : PRIVATE);
        Encodings.send(req, res, status, CONTENT_TYPE, html, size, shared, Encodings.STREAM_PAGES_FROM);
    }

    /** The headers of an error page answered before routing ({@link ErrorResponses#directHandler}): kept nowhere. */
    static void errorPageHeaders(WritableHeaders<?> headers) {
        headers.set(CONTENT_TYPE).set(POLICY).set(PRIVATE);
    }

    /** After a form post: the browser loads {@code location} with a GET (303 See Other). */
    public static void redirect(ServerResponse res, String location) {
        res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, location).header(PRIVATE).send();
    }

    /** A static file: kept a year by any cache (its name changes with its content). */
    public static void immutable(ServerRequest req, ServerResponse res, String type, byte[] bytes, byte[] gzipped) {
        res.header(HeaderNames.CONTENT_TYPE, type)
                .header(HeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
        if (gzipped != null) {
            res.header(VARY);
            if (Encodings.acceptsGzip(req.headers())) {
                res.header(Encodings.GZIPPED).send(gzipped);
                return;
            }
        }
        res.send(bytes);
    }

    /**
     * The fields of an {@code application/x-www-form-urlencoded} body (a field sent twice: its first value),
     * each text the database can store; anything else is refused.
     */
    public static Map<String, String> form(ServerRequest req) {
        String type = req.headers().contentType().map(t -> t.mediaType().text()).orElse("");
        if (!type.equalsIgnoreCase("application/x-www-form-urlencoded")) {
            throw new Failure.Malformed("body", "must be a form (application/x-www-form-urlencoded)");
        }
        byte[] bytes = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        String body = new String(bytes, StandardCharsets.UTF_8);
        var fields = new HashMap<String, String>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, StorableText.check(name, value));
            } catch (IllegalArgumentException e) {
                throw new Failure.Malformed("body", "is not a valid form");
            }
            if (fields.size() > MAX_FIELDS) {
                throw new Failure.Malformed("body", "has too many fields");
            }
        }
        return fields;
    }

    /** The value of cookie {@code name}, if the request carries it. */
    public static Optional<String> cookie(ServerRequest req, String name) {
        return req.headers().cookies().first(name).asOptional();
    }

    /**
     * Sets cookie {@code name} for the whole site, for {@code maxAge} (zero: removes it); {@code secure} when the
     * browser reached us over TLS ({@link ClientAddresses#overTls}), so it is never sent in the clear.
     */
    public static void setCookie(ServerResponse res, String name, String value, Duration maxAge, boolean secure) {
        var cookie = SetCookie.builder(name, value)
                .path("/")
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.LAX)
                .secure(secure);
        // Helidon writes no Max-Age=0: an expiry in the past removes the cookie
        res.headers().addCookie((maxAge.isZero() ? cookie.expires(Instant.EPOCH) : cookie.maxAge(maxAge)).build());
    }
}

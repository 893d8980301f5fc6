package dev.conduit.platform.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Every request has an id: the caller's {@code X-Request-Id} when it is sane (a proxy or a client may have set
 * one to follow the request through several services), else a new UUID. It goes back on the answer, and a 500's
 * body and log line name it.
 */
final class RequestIds {
    static final HeaderName HEADER = HeaderNames.create("X-Request-Id");
    /** Letters, digits and a few separators, at most 128 of them: nothing that could forge or break a log line. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    private RequestIds() {
    }

    /** The request's id (the caller's if sane, else a new one), now also on its answer. */
    static String assign(ServerRequest req, ServerResponse res) {
        String id = req.headers().first(HEADER).filter(value -> SANE.matcher(value).matches())
                .orElseGet(RequestIds::newId);
        res.header(HEADER, id);
        return id;
    }

    /**
     * The request's id, kept on its answer's headers (an error handler answers on the same headers); one made up
     * for a request that was answered before the filter ran.
     */
    static String of(ServerResponse res) {
        return res.headers().first(HEADER).orElseGet(() -> {
            String id = newId();
            res.header(HEADER, id);
            return id;
        });
    }

    /**
     * A random (version 4) UUID from the thread's own generator: an id tells requests apart and is no secret, so
     * it need not come from {@code UUID.randomUUID()}'s SecureRandom, one synchronized generator for all threads.
     */
    private static String newId() {
        var random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}

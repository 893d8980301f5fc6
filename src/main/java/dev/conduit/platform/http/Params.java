package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Paging;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/** A request's path and query parameters, as text the database can store (else a 422 naming the parameter). */
public final class Params {
    private Params() {
    }

    /** The path parameter {@code name} of the matched route template ({@code {slug}}, say). */
    public static String path(ServerRequest req, String name) {
        return StorableText.check(name, req.path().pathParameters().get(name));
    }

    /** The path parameter {@code name} as a whole number. */
    public static long pathId(ServerRequest req, String name) {
        try {
            return Long.parseLong(req.path().pathParameters().get(name));
        } catch (NumberFormatException e) {
            throw new Failure.Invalid(name, "must be an integer");
        }
    }

    /** The query parameter {@code name}, trimmed; absent or blank is empty. */
    public static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional()
                .filter(value -> !value.isBlank())
                .map(value -> StorableText.check(name, value.strip()));
    }

    /** {@code limit} and {@code offset}. */
    public static Paging paging(ServerRequest req) {
        return Paging.of(query(req, "limit"), query(req, "offset"));
    }
}

package dev.conduit.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.json.Jackson;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON in/out of every route, with {@link Jackson#MAPPER}. */
public final class Json {
    private static final Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
            "application/json; charset=utf-8");
    private static final Header REVALIDATE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "private, no-cache");
    private static final Header VARY = HeaderValues.createCached(HeaderNames.VARY, "Accept-Encoding");

    private Json() {
    }

    /**
     * {@code body} as JSON with {@code status}, gzipped when the client accepts it and it is large enough to
     * gain. A 200 to a GET carries a strong ETag of its bytes, and is a 304 without body when the client
     * already holds them ({@code If-None-Match}); {@code no-cache} makes browsers ask each time.
     */
    public static void send(ServerRequest req, ServerResponse res, Status status, Object body) {
        AnswerBuffer json = AnswerBuffer.json(body);
        try {
            sendRendered(req, res, status, json.bytes(), json.size());
        } finally {
            json.releaseToPool();
        }
    }

    /** JSON already rendered ({@link #bytes}), sent as {@link #send} sends what it renders. */
    static void sendRendered(ServerRequest req, ServerResponse res, Status status, byte[] json) {
        sendRendered(req, res, status, json, json.length);
    }

    private static void sendRendered(ServerRequest req, ServerResponse res, Status status, byte[] json, int size) {
        if (status == Status.OK_200 && req.prologue().method() == Method.GET) {
            res.header(REVALIDATE);
        }
        if (size >= Encodings.COMPRESS_FROM) {
            res.headers().add(VARY);
        }
        Encodings.send(req, res, status, CONTENT_TYPE, json, size, true, Encodings.STREAM_JSON_FROM);
    }

    static byte[] bytes(Object body) {
        try {
            return Jackson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void ok(ServerRequest req, ServerResponse res, Object body) {
        send(req, res, Status.OK_200, body);
    }

    /** Parses a request body; syntax errors are the client's ({@link Failure.Malformed}, 400). */
    static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) {
            return Jackson.MAPPER.nullNode();
        }
        try {
            return Jackson.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new Failure.Malformed("body", "is not valid JSON");
        }
    }
}

package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.idempotency.IdempotencyKeys;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The POSTs that create something (an account, an article, a comment), made safe to retry with an
 * {@code Idempotency-Key} header: the first request with a key runs, a retry with it gets the first answer again
 * (with {@code Idempotent-Replayed: true}) and creates nothing. What is kept, for how long, and what a retry
 * meets meanwhile: {@link IdempotencyKeys}. Without the header a request runs as it always has.
 */
public final class Idempotency {
    /** The owner of keys sent by a caller without an account (a registration): the key alone names the request. */
    public static final long NO_ACCOUNT = 0;
    private static final HeaderName KEY = HeaderNames.create(IdempotencyKeys.FIELD);
    private static final Header REPLAYED = HeaderValues.createCached("Idempotent-Replayed", "true");
    private static final int MAX_KEY = 255;

    private final IdempotencyKeys keys;

    public Idempotency(IdempotencyKeys keys) {
        this.keys = keys;
    }

    /**
     * Answers 201 with what {@code create} makes of the fields inside the body's {@code wrapper} object, once per
     * idempotency key of {@code owner} (an account id, or {@link #NO_ACCOUNT}).
     */
    public void create(ServerRequest req, ServerResponse res, long owner, String wrapper,
                       Function<JsonBody, Object> create) {
        Optional<String> key = key(req);
        byte[] content = JsonBody.content(req);
        JsonBody body = JsonBody.parse(content, wrapper);
        if (key.isEmpty()) {
            Json.send(req, res, Status.CREATED_201, create.apply(body));
            return;
        }
        String request = req.prologue().method().text() + " " + req.path().rawPath();
        switch (keys.begin(owner, key.get(), request, content)) {
            case IdempotencyKeys.Replay replay -> {
                res.header(REPLAYED);
                Json.sendRendered(req, res, Status.create(replay.status()), replay.body());
            }
            case IdempotencyKeys.Claim claim -> {
                byte[] answer;
                try {
                    answer = Json.bytes(create.apply(body));
                } catch (RuntimeException e) {
                    release(claim, e);
                    throw e;
                }
                keys.answered(claim, Status.CREATED_201.code(), answer);
                Json.sendRendered(req, res, Status.CREATED_201, answer);
            }
        }
    }

    /** Frees the key of a request that failed; should that fail too, the request's own failure is the answer. */
    private void release(IdempotencyKeys.Claim claim, RuntimeException failure) {
        try {
            keys.failed(claim);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * The request's key, if it has one: 1 to {@value #MAX_KEY} printable ASCII characters, as Stripe takes them, or
     * in double quotes, as the IETF draft writes them (a structured-field string); the quotes are not part of it.
     */
    private static Optional<String> key(ServerRequest req) {
        List<String> values = req.headers().all(KEY, List::of);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new Failure.Malformed(IdempotencyKeys.FIELD, "must be sent once");
        }
        String key = values.getFirst();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isEmpty() || key.length() > MAX_KEY || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new Failure.Malformed(IdempotencyKeys.FIELD,
                    "must be 1 to " + MAX_KEY + " printable ASCII characters");
        }
        return Optional.of(key);
    }
}

package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Safe retries: a POST that creates, sent with an Idempotency-Key, runs once; its retries get its answer again and
 * create nothing. Rows of the key table are aged or rewound by hand where the test needs time to pass or a process
 * to have died.
 */
class IdempotencyTest {
    private static final String KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";
    private final Api api = TestServer.api();

    @Test
    void aRetryGetsTheFirstAnswerAgainAndCreatesNothing() {
        var author = api.register("idem");
        var headers = Map.of(KEY, Api.unique("key"));
        var article = article("Retried");

        var first = api.post("/articles", article, author.token(), headers);
        var retry = api.post("/articles", article, author.token(), headers);

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.headers().firstValue(REPLAYED)).contains("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(articlesBy(author)).isEqualTo(1);
    }

    @Test
    void commentsAndRegistrationsAreReplayedToo() {
        var author = api.register("idemc");
        String slug = api.createArticle(author, Api.unique("Discussed"), List.of());
        var commentKey = Map.of(KEY, Api.unique("key"));
        var comment = wrap("comment", "body", "Said once");

        var said = api.post("/articles/" + slug + "/comments", comment, author.token(), commentKey);
        var saidAgain = api.post("/articles/" + slug + "/comments", comment, author.token(), commentKey);

        assertThat(said.status()).isEqualTo(201);
        assertThat(saidAgain.headers().firstValue(REPLAYED)).contains("true");
        assertThat(saidAgain.body()).isEqualTo(said.body());
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isEqualTo(1);

        String username = Api.unique("idemreg");
        var registration = wrap("user", "username", username, "email", username + "@example.com",
                "password", "password123");
        String key = Api.unique("key");
        var registered = api.post("/users", registration, null, Map.of(KEY, key));
        // the draft standard's form of the same key: a structured-field string, in quotes
        var registeredAgain = api.post("/users", registration, null, Map.of(KEY, "\"" + key + "\""));

        assertThat(registered.status()).isEqualTo(201);
        assertThat(registeredAgain.status()).as("not 409: the name is taken by this very request")
                .isEqualTo(201);
        assertThat(registeredAgain.headers().firstValue(REPLAYED)).contains("true");
        assertThat(registeredAgain.body()).isEqualTo(registered.body());
        assertThat(api.get("/user", registeredAgain.text("/user/token")).text("/user/username")).isEqualTo(username);
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefused() {
        var author = api.register("idemx");
        String slug = api.createArticle(author, Api.unique("Elsewhere"), List.of());
        var headers = Map.of(KEY, Api.unique("key"));
        assertThat(api.post("/articles", article("First"), author.token(), headers).status()).isEqualTo(201);

        api.post("/articles", article("Second"), author.token(), headers)
                .assertError(422, KEY, "was used with another request");
        api.post("/articles/" + slug + "/comments", wrap("comment", "body", "b"), author.token(), headers)
                .assertError(422, KEY, "was used with another request");
        assertThat(articlesBy(author)).isEqualTo(2);
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();

        // a registration's key is not an account's: the key alone names it
        var registrationKey = Map.of(KEY, Api.unique("key"));
        assertThat(api.post("/users", registration("idemx1"), null, registrationKey).status()).isEqualTo(201);
        api.post("/users", registration("idemx2"), null, registrationKey)
                .assertError(422, KEY, "was used with another request");
    }

    @Test
    void withoutAKeyEachRequestCreates() {
        var author = api.register("idemn");
        var article = article("Twice");

        assertThat(api.post("/articles", article, author.token()).status()).isEqualTo(201);
        assertThat(api.post("/articles", article, author.token()).status()).isEqualTo(201);

        assertThat(articlesBy(author)).isEqualTo(2);
    }

    @Test
    void aKeyBelongsToItsAccount() {
        var one = api.register("idemo");
        var other = api.register("idemp");
        var headers = Map.of(KEY, Api.unique("key"));
        var article = article("Shared key");

        var first = api.post("/articles", article, one.token(), headers);
        var others = api.post("/articles", article, other.token(), headers);

        assertThat(others.status()).isEqualTo(201);
        assertThat(others.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(others.text("/article/author/username")).isEqualTo(other.username());
        assertThat(articlesBy(other)).isEqualTo(1);
        assertThat(api.post("/articles", article, one.token(), headers).body()).isEqualTo(first.body());
        assertThat(articlesBy(one)).isEqualTo(1);
    }

    @Test
    void aMalformedKeyIs400AndCreatesNothing() throws IOException {
        var author = api.register("idemm");
        String tooLong = "k".repeat(256);

        for (String key : List.of(tooLong, "\"\"", "\"" + tooLong + "\"")) {
            api.post("/articles", article("Malformed"), author.token(), Map.of(KEY, key))
                    .assertError(400, KEY, "must be 1 to 255 printable ASCII characters");
        }
        // header lines the JDK's client will not send: beyond ASCII, empty, twice
        assertThat(rawPost(author, KEY + ": caf\u00e9\r\n")).isEqualTo(400);
        assertThat(rawPost(author, KEY + ": \r\n")).isEqualTo(400);
        assertThat(rawPost(author, KEY + ": a\r\n" + KEY + ": a\r\n")).isEqualTo(400);
        assertThat(articlesBy(author)).isZero();

        var longest = api.post("/articles", article("Longest key"), author.token(), Map.of(KEY, "k".repeat(255)));
        var commas = Map.of(KEY, "a, b \"c\"");
        assertThat(longest.status()).isEqualTo(201);
        assertThat(api.post("/articles", article("Commas"), author.token(), commas).status()).isEqualTo(201);
        assertThat(api.post("/articles", article("Commas"), author.token(), commas).headers()
                .firstValue(REPLAYED)).as("one key, not a list").contains("true");
    }

    @Test
    void aRetryWhileTheFirstRunsIs409ThenGetsItsAnswer() throws Exception {
        var author = api.register("idemr");
        String slug = api.createArticle(author, Api.unique("Busy"), List.of());
        String key = Api.unique("key");
        var headers = Map.of(KEY, key);
        var comment = wrap("comment", "body", "Slow to write");
        CompletableFuture<Api.Response> first;
        // comments cannot be inserted while the lock is held: the first request holds its key, waiting
        try (Handle lock = lockedComments()) {
            try {
                first = CompletableFuture.supplyAsync(
                        () -> api.post("/articles/" + slug + "/comments", comment, author.token(), headers));
                Waits.upTo(Duration.ofSeconds(10)).until(() -> running(key) == 1);

                api.post("/articles/" + slug + "/comments", comment, author.token(), headers)
                        .assertError(409, KEY, "is in use by a request still running, retry shortly");
                api.post("/articles/" + slug + "/comments", wrap("comment", "body", "other"), author.token(),
                        headers).assertError(422, KEY, "was used with another request");
            } finally {
                lock.rollback();
            }
        }

        var answer = first.get();
        assertThat(answer.status()).isEqualTo(201);
        var retry = api.post("/articles/" + slug + "/comments", comment, author.token(), headers);
        assertThat(retry.headers().firstValue(REPLAYED)).contains("true");
        assertThat(retry.body()).isEqualTo(answer.body());
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isEqualTo(1);
    }

    @Test
    void aKeyWhoseRequestDiedIsTakenOverOnceItsLeaseIsOver() {
        var author = api.register("idemd");
        String key = Api.unique("key");
        var headers = Map.of(KEY, key);
        var article = article("Orphaned");
        assertThat(api.post("/articles", article, author.token(), headers).status()).isEqualTo(201);

        // as if the process had died after its claim, before recording the answer: a claim without one
        sql("update idempotency_keys set status = null, body = null, created_at = now() where key = ?", key);
        api.post("/articles", article, author.token(), headers)
                .assertError(409, KEY, "is in use by a request still running, retry shortly");

        // a minute later no request can still be running: the retry runs (the price of a death after the write)
        sql("update idempotency_keys set created_at = now() - interval '61 seconds' where key = ?", key);
        var retry = api.post("/articles", article, author.token(), headers);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(articlesBy(author)).isEqualTo(2);
        assertThat(api.post("/articles", article, author.token(), headers).body()).isEqualTo(retry.body());
    }

    @Test
    void anExpiredKeyRunsAgainAndExpiredKeysAreDeleted() {
        var author = api.register("idemt");
        String key = Api.unique("key");
        var headers = Map.of(KEY, key);
        var article = article("Expiring");
        var first = api.post("/articles", article, author.token(), headers);

        // IDEMPOTENCY_KEY_HOURS is 24 by default
        sql("update idempotency_keys set created_at = created_at - interval '24 hours 1 second' where key = ?", key);
        var later = api.post("/articles", article, author.token(), headers);

        assertThat(later.status()).isEqualTo(201);
        assertThat(later.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(later.text("/article/slug")).isNotEqualTo(first.text("/article/slug"));
        assertThat(articlesBy(author)).isEqualTo(2);
        assertThat(api.post("/articles", article, author.token(), headers).body()).isEqualTo(later.body());

        // each claim deletes the oldest expired keys, whoever's
        sql("update idempotency_keys set created_at = timestamptz '2000-01-01 00:00Z' where key = ?", key);
        api.post("/articles", article("Cleaning up"), author.token(), Map.of(KEY, Api.unique("key")));
        assertThat(keys(key)).isZero();
    }

    @Test
    void aRefusedRequestKeepsNothingSoTheCorrectedOneMayUseItsKey() {
        var author = api.register("idemv");
        var headers = Map.of(KEY, Api.unique("key"));
        var blank = wrap("article", "title", "", "description", "d", "body", "b");

        for (int i = 0; i < 2; i++) {
            var refused = api.post("/articles", blank, author.token(), headers);
            refused.assertError(422, "title", "can't be blank");
            assertThat(refused.headers().firstValue(REPLAYED)).isEmpty();
        }
        var corrected = api.post("/articles", article("Corrected"), author.token(), headers);
        assertThat(corrected.status()).isEqualTo(201);
        assertThat(corrected.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(api.post("/articles", article("Corrected"), author.token(), headers).body())
                .isEqualTo(corrected.body());
    }

    @Test
    void aServerErrorKeepsNothingSoTheRetryRuns() {
        var author = api.register("idems");
        String slug = api.createArticle(author, Api.unique("Faulty"), List.of());
        var headers = Map.of(KEY, Api.unique("key"));
        var comment = wrap("comment", "body", "Written on the second try");

        var failed = TestServer.withCommentsHidden(
                () -> api.post("/articles/" + slug + "/comments", comment, author.token(), headers));
        var retry = api.post("/articles/" + slug + "/comments", comment, author.token(), headers);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isEqualTo(1);
    }

    @Test
    void anOverloadedAnswerKeepsNothingSoTheRetryRuns() throws Exception {
        // a short wait, not none: a slot is given back after the answer is sent, so a client's next request, on its
        // other connection, can come first (CI met it: refused, with wait 0, right after the retry was answered)
        try (var own = TestServer.start(Map.of("ADMISSION_LIMIT", "1", "ADMISSION_WAIT_MS", "100"))) {
            Main app = own.app();
            var busy = new Api("http://127.0.0.1:" + app.port() + "/api");
            var author = busy.register("idem503");
            // through this server only: the shared one's caches would not hear of its writes
            String slug = busy.createArticle(author, Api.unique("Crowded"), List.of());
            var headers = Map.of(KEY, Api.unique("key"));
            var article = article("Overloaded");
            CompletableFuture<Api.Response> occupying;
            // the one admission slot is held by a comment waiting for the lock
            try (Handle lock = lockedComments()) {
                try {
                    occupying = CompletableFuture.supplyAsync(() -> busy.post("/articles/" + slug + "/comments",
                            wrap("comment", "body", "b"), author.token()));
                    Waits.upTo(Duration.ofSeconds(10)).until(() -> lock.createQuery("select count(*) from pg_locks"
                                    + " where not granted and relation = 'comments'::regclass")
                            .mapTo(Integer.class).one() == 1);

                    busy.post("/articles", article, author.token(), headers)
                            .assertError(503, "server", "is busy, retry shortly");
                } finally {
                    lock.rollback();
                }
            }
            assertThat(occupying.get().status()).isEqualTo(201);

            // as a client does (Retry-After: 1): sooner, the slot may not be free yet, and the wait is the short one
            Thread.sleep(1_000);
            var retry = busy.post("/articles", article, author.token(), headers);
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.headers().firstValue(REPLAYED)).isEmpty();
            assertThat(busy.post("/articles", article, author.token(), headers).body()).isEqualTo(retry.body());
            var list = busy.get("/articles?author=" + author.username());
            assertThat(list.status()).as(list.body()).isEqualTo(200);
            assertThat(list.at("/articlesCount").asInt()).isEqualTo(2);
        }
    }

    private static Map<String, Object> article(String title) {
        return wrap("article", "title", title, "description", "about " + title, "body", "All about " + title,
                "tagList", List.of("retries"));
    }

    private static Map<String, Object> registration(String prefix) {
        String username = Api.unique(prefix);
        return wrap("user", "username", username, "email", username + "@example.com", "password", "password123");
    }

    /** The status of an article's POST with {@code headerLines}, sent as bytes on a socket of its own. */
    private static int rawPost(Api.User author, String headerLines) throws IOException {
        String body = "{\"article\":{\"title\":\"Raw\",\"description\":\"d\",\"body\":\"b\"}}";
        try (var socket = new Socket("127.0.0.1", TestServer.app().port())) {
            socket.getOutputStream().write(("POST /api/articles HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Token " + author.token() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n" + headerLines + "\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private int articlesBy(Api.User author) {
        return api.get("/articles?author=" + author.username()).at("/articlesCount").asInt();
    }

    /** A transaction of the test's own, holding a lock that makes every comment's insert wait. */
    private static Handle lockedComments() {
        Handle lock = TestServer.database().open();
        lock.begin();
        lock.execute("lock table comments in share mode");
        return lock;
    }

    private static int running(String key) {
        return TestServer.database().withHandle(h -> h.createQuery(
                "select count(*) from idempotency_keys where key = :key and status is null")
                .bind("key", key).mapTo(Integer.class).one());
    }

    private static int keys(String key) {
        return TestServer.database().withHandle(h -> h.createQuery(
                "select count(*) from idempotency_keys where key = :key").bind("key", key).mapTo(Integer.class).one());
    }

    private static void sql(String statement, String key) {
        int rows = TestServer.database().withHandle(h -> h.execute(statement, key));
        assertThat(rows).as(statement).isEqualTo(1);
    }

}

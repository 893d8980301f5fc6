package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Beyond ADMISSION_LIMIT requests being handled, the next ones wait their turn for ADMISSION_WAIT_MS, then get 503;
 * while more wait than the server completes in that time, for ADMISSION_OVERLOAD_WAIT_MS only. A request waits its
 * turn for a database connection for DATABASE_WAIT_MS, then gets 503.
 * Beyond MAX_CONCURRENT_REQUESTS requests at once (waiting included), the rest are told at once to retry: 503 in
 * the error format. Beyond MAX_CONNECTIONS open connections, new ones wait to be accepted until one closes.
 */
class ConcurrencyLimitTest {
    @Test
    void requestsBeyondTheAdmissionLimitWaitTheirTurnThen503ButProbesPassBy() throws Exception {
        try (var own = TestServer.start(Map.of("ADMISSION_LIMIT", "1", "ADMISSION_WAIT_MS", "1000"));
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Main app = own.app();
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var probes = new Api("http://127.0.0.1:" + app.port() + "/health");
            var author = api.register("admitted");
            String slug = api.createArticle(author, Api.unique("Held"), java.util.List.of());
            String edit = "PUT /api/articles/" + slug + " HTTP/1.1\r\nAuthorization: Token " + author.token() + "\r\n";
            try (var holder = bodyNeverSent(app.port(), edit)) {
                Callable<Long> waitingInVain = () -> {
                    long start = System.nanoTime();
                    var refused = api.get("/tags");
                    refused.assertError(503, "server", "is busy, retry shortly");
                    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                    return (System.nanoTime() - start) / 1_000_000;
                };
                var first = pool.submit(waitingInVain);
                var second = pool.submit(waitingInVain);
                var third = pool.submit(waitingInVain);
                // three waiting while nothing completes: more than the server completes in a wait, and than the
                // limit; the next ones wait ADMISSION_OVERLOAD_WAIT_MS only
                Thread.sleep(400);
                long start = System.nanoTime();
                api.get("/tags").assertError(503, "server", "is busy, retry shortly");
                assertThat((System.nanoTime() - start) / 1_000_000).as("waited ADMISSION_OVERLOAD_WAIT_MS only")
                        .isLessThan(200);
                // they came before the overload, and waited their turn until it began; then its short wait, counted
                // from their arrival, was over
                for (var waiter : java.util.List.of(first, second, third)) {
                    assertThat(waiter.get(10, TimeUnit.SECONDS)).as("waited until the overload began, not a second")
                            .isBetween(250L, 900L);
                }
                assertThat(probes.get("/live").status()).isEqualTo(200);
                assertThat(probes.get("/ready").status()).isEqualTo(200);
                // logins wait in the password hasher's queue instead
                assertThat(api.post("/users/login", wrap("user", "email", author.email(), "password",
                        author.password()), null).status()).isEqualTo(200);
            }
            // the holder's connection closed: its slot is free again; a request that comes while another holds
            // the slot is served once that one ends, within the wait (no refusal for a second: the full wait again)
            Thread.sleep(1100);
            try (var holder = bodyNeverSent(app.port(), edit)) {
                var waiting = pool.submit(() -> api.get("/tags"));
                Thread.sleep(100);
                assertThat(waiting).isNotDone();
                holder.close();
                assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            var scrape = new Api("http://127.0.0.1:" + app.managementPort()).get("/metrics");
            assertThat(scrape.body()).contains("conduit_requests_shed_total{stage=\"admission\"} 4.0",
                    "conduit_admission_limit 1.0", "conduit_admission_overloaded 0.0");
        }
    }

    /**
     * A request ({@code head}: its request line and any headers) admitted and then left waiting for its body: it
     * holds its admission slot until closed.
     */
    private static Socket bodyNeverSent(int port, String head) throws Exception {
        var socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write((head + "Host: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        Thread.sleep(200); // routed and waiting for the rest of the body
        return socket;
    }

    @Test
    void theAdmissionLimitFollowsWhatTheServerCompletes() throws Exception {
        try (var own = TestServer.start(Map.of()); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Main app = own.app();
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            // idle: as many as it completes in 25 ms is none, so the floor
            api.get("/tags");
            Thread.sleep(250);
            api.get("/tags");
            assertThat(TestServer.metric(app.managementPort(), "conduit_admission_limit")).isEqualTo(16);
            // busy: 32 clients for a second; it completes far more than 640 a second, so the limit rises
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            var clients = new ArrayList<Future<?>>();
            for (int i = 0; i < 32; i++) {
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < until) {
                        assertThat(api.get("/tags").status()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            Thread.sleep(700);
            assertThat(TestServer.metric(app.managementPort(), "conduit_admission_limit"))
                    .isGreaterThan(16).isLessThanOrEqualTo(128);
            for (var client : clients) {
                client.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void requestsOverTheLimitGet503WithRetryAfterAndTheServerGoesOn() throws Exception {
        try (var own = TestServer.start(Map.of("MAX_CONCURRENT_REQUESTS", "2", "PASSWORD_HASH_CONCURRENCY", "1"))) {
            Main app = own.app();
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var results = new ArrayList<Future<Api.Response>>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    String name = Api.unique("limited");
                    results.add(pool.submit(() -> api.post("/users",
                            wrap("user", "username", name, "email", name + "@example.com", "password", "password123"),
                            null)));
                }
            }
            int refused = 0;
            for (var result : results) {
                var response = result.get();
                assertThat(response.status()).as(response.body()).isIn(201, 503);
                if (response.status() == 503) {
                    refused++;
                    response.assertError(503, "request", "Service Unavailable");
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                }
            }
            assertThat(refused).isPositive();
            assertThat(api.get("/tags").status()).isEqualTo(200);
        }
    }

    @Test
    void requestsWaitingTooLongForADatabaseConnectionGet503AndNothingIsWritten() throws Exception {
        try (var own = TestServer.start(Map.of("DATABASE_POOL_SIZE", "1", "DATABASE_WAIT_MS", "300"));
             var pool = Executors.newVirtualThreadPerTaskExecutor();
             Handle lock = TestServer.database().open()) {
            Main app = own.app();
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var author = api.register("gated");
            String slug = api.createArticle(author, Api.unique("Gated"), java.util.List.of());
            // the one connection: held by an edit that waits for the article's row, which the test has locked
            lock.begin();
            lock.execute("select 1 from articles where slug = ? for update", slug);
            var edit = pool.submit(() -> api.put("/articles/" + slug, wrap("article", "body", "edited"),
                    author.token()));
            Thread.sleep(300);
            assertThat(edit).isNotDone();

            long start = System.nanoTime();
            var refused = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "hi"), author.token());
            refused.assertError(503, "server", "is busy, retry shortly");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat((System.nanoTime() - start) / 1_000_000).as("waited its turn first")
                    .isGreaterThanOrEqualTo(300);

            lock.rollback();
            assertThat(edit.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(api.get("/articles/" + slug + "/comments").body()).contains("\"comments\":[]");
            var scrape = new Api("http://127.0.0.1:" + app.managementPort()).get("/metrics");
            assertThat(scrape.body()).contains("conduit_requests_shed_total{stage=\"database\"} 1.0");
        }
    }

    @Test
    void connectionsOverTheLimitWaitToBeAcceptedAndAreServedOnceOneCloses() throws Exception {
        try (var own = TestServer.start(Map.of("MAX_CONNECTIONS", "2"));
             var first = idleConnection(own.app().port());
             var second = idleConnection(own.app().port());
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Main app = own.app();
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var third = pool.submit(() -> api.get("/tags"));
            Thread.sleep(500);
            assertThat(third).as("a third connection is not accepted while two are open").isNotDone();

            first.close();
            assertThat(third.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    /** A keep-alive connection that has been served once and is then left open. */
    private static Socket idleConnection(int port) throws Exception {
        var socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write("GET /api/tags HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        var in = socket.getInputStream();
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertThat(head).startsWith("HTTP/1.1 200");
        return socket;
    }
}

package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.platform.db.EmbeddedPostgres;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthTest {

    private static Api root(Main app) {
        return new Api("http://127.0.0.1:" + app.port());
    }

    @Test
    void liveAndReadyWhileTheDatabaseAnswers() {
        var api = root(TestServer.app());

        var live = api.get("/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.text("/status")).isEqualTo("UP");

        var ready = api.get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.text("/status")).isEqualTo("UP");
        assertThat(ready.text("/checks/database/status")).isEqualTo("UP");
        assertThat(ready.text("/checks/migrations/status")).isEqualTo("UP");
        assertThat(ready.text("/checks/migrations/detail")).startsWith("schema at version ");

        assertThat(api.send("POST", "/health/ready", null, null).status()).isEqualTo(405);
    }

    @Test
    void notReadyOnceItsDatabaseStopsButStillLive() {
        Path dataDir = TestServer.newDataDir();
        var database = EmbeddedPostgres.start(dataDir, Config.from(Map.of()).postgresOsUser(), 20);
        Main app = null;
        try {
            var env = TestServer.environment(dataDir, database.prepareApplicationRole());
            app = Main.start(Config.from(env), sql -> { });
            var api = root(app);
            assertThat(api.get("/health/ready").status()).isEqualTo(200);

            database.close();

            long start = System.nanoTime();
            var ready = api.get("/health/ready");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.text("/status")).isEqualTo("DOWN");
            assertThat(ready.text("/checks/database/status")).isEqualTo("DOWN");
            assertThat(ready.text("/checks/database/detail")).isNotBlank();
            assertThat(millis).as("a probe answers within its bound").isLessThan(3_000);
            assertThat(api.get("/health/live").status()).isEqualTo(200);
        } finally {
            if (app != null) {
                app.stop();
            }
            database.close();
            TestServer.deleteTree(dataDir);
        }
    }

    @Test
    void aStopDrainsFirstAndNoRequestOnAnOpenConnectionFails() throws Exception {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("SHUTDOWN_DRAIN_SECONDS", "2");
        Main app = Main.start(Config.from(env), sql -> { });
        URI tags = URI.create("http://127.0.0.1:" + app.port() + "/api/tags");
        URI ready = URI.create("http://127.0.0.1:" + app.port() + "/health/ready");
        int clients = 8;
        var failures = new ConcurrentLinkedQueue<String>();
        var answered = new AtomicInteger();
        var closedByServer = new AtomicInteger();
        var started = new CountDownLatch(clients);
        String shutdownCheck = null;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                // one keep-alive connection each, sending one request after another, as a balancer's would
                executor.submit(() -> {
                    try (var client = HttpClient.newHttpClient()) {
                        while (true) {
                            HttpResponse<String> response;
                            try {
                                response = client.send(HttpRequest.newBuilder(tags).build(),
                                        HttpResponse.BodyHandlers.ofString());
                            } catch (IOException e) {
                                failures.add(e.toString());
                                return null;
                            }
                            if (response.statusCode() != 200) {
                                failures.add("status " + response.statusCode());
                            }
                            answered.incrementAndGet();
                            started.countDown();
                            if (response.headers().firstValue("connection").orElse("").equalsIgnoreCase("close")) {
                                // the server closes this connection: a balancer now sends elsewhere
                                closedByServer.incrementAndGet();
                                return null;
                            }
                        }
                    }
                });
            }
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            Thread stopper = Thread.ofVirtual().start(app::stop);
            try (var probe = HttpClient.newHttpClient()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (shutdownCheck == null && System.nanoTime() < deadline) {
                    var response = probe.send(HttpRequest.newBuilder(ready).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 503) {
                        shutdownCheck = new ObjectMapper().readTree(response.body()).at("/checks/shutdown/status")
                                .asText();
                    }
                }
            }
            stopper.join();
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
        assertThat(shutdownCheck).as("readiness turned 503 while the server still answered").isEqualTo("DOWN");
        assertThat(failures).isEmpty();
        assertThat(closedByServer).as("every connection was closed by the server after an answer").hasValue(clients);
        assertThat(answered.get()).isGreaterThan(clients);
    }

    /**
     * A client that connected just before the port closed sends its request just after: the server had accepted the
     * connection, so it answers it (and closes it, as while draining) instead of closing it as an idle one.
     */
    @Test
    void aConnectionOpenedJustBeforeThePortClosesIsServed() throws Exception {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("SHUTDOWN_DRAIN_SECONDS", "1");
        Main app = Main.start(Config.from(env), sql -> { });
        var address = new InetSocketAddress("127.0.0.1", app.port());
        try (var late = new Socket()) {
            late.setSoTimeout(10_000);
            Thread stopper = Thread.ofVirtual().start(app::stop);
            late.connect(address);
            awaitRefused(address);
            late.getOutputStream().write("GET /api/tags HTTP/1.1\r\nHost: conduit\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(late.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
            stopper.join();
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    /** Returns once connecting to {@code address} is refused (probing while the drain runs, for up to 10 s). */
    private static void awaitRefused(InetSocketAddress address) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (var probe = new Socket()) {
                probe.connect(address, 1_000);
            } catch (ConnectException e) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the port did not close");
    }
}

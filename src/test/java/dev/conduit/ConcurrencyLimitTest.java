package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Beyond MAX_CONCURRENT_REQUESTS requests at once, the rest are told at once to retry: 503 in the error format.
 * Beyond MAX_CONNECTIONS open connections, new ones wait to be accepted until one closes.
 */
class ConcurrencyLimitTest {
    @Test
    void requestsOverTheLimitGet503WithRetryAfterAndTheServerGoesOn() throws Exception {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("MAX_CONCURRENT_REQUESTS", "2");
        env.put("PASSWORD_HASH_CONCURRENCY", "1");
        Main app = Main.start(Config.from(env), sql -> { });
        try {
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
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    @Test
    void connectionsOverTheLimitWaitToBeAcceptedAndAreServedOnceOneCloses() throws Exception {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("MAX_CONNECTIONS", "2");
        Main app = Main.start(Config.from(env), sql -> { });
        try (var first = idleConnection(app.port()); var second = idleConnection(app.port());
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var third = pool.submit(() -> api.get("/tags"));
            Thread.sleep(500);
            assertThat(third).as("a third connection is not accepted while two are open").isNotDone();

            first.close();
            assertThat(third.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
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

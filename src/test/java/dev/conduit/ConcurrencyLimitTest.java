package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Beyond MAX_CONCURRENT_REQUESTS requests at once, the rest are told at once to retry: 503 in the error format. */
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
}

package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A second Conduit of its own, embedded database included, to stop and start again. */
class LifecycleTest {

    @Test
    void dataAndTheGeneratedJwtSecretSurviveARestart() {
        Path dataDir = TestServer.newDataDir();
        var env = embeddedWithoutJwtSecret(dataDir);

        Main first = Main.start(Config.from(env), sql -> { });
        Api.User user;
        String slug;
        try {
            var api = new Api("http://127.0.0.1:" + first.port() + "/api");
            user = api.register("survivor");
            slug = api.createArticle(user, Api.unique("Durable"), List.of("kept"));

            // a second server on the same data directory is refused and leaves the first one's database alone
            assertThatThrownBy(() -> Main.start(Config.from(env), sql -> { }))
                    .hasMessageContaining("another Conduit process");
            assertThat(api.get("/articles/" + slug).status()).isEqualTo(200);
        } finally {
            first.stop();
        }
        assertThat(dataDir.resolve("jwt-secret")).exists();
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

        Main second = Main.start(Config.from(env), sql -> { });
        try {
            var api = new Api("http://127.0.0.1:" + second.port() + "/api");
            assertThat(api.get("/user", user.token()).text("/user/username")).isEqualTo(user.username());
            assertThat(api.post("/users/login", wrap("user", "email", user.email(), "password", user.password()),
                    null).status()).isEqualTo(200);
            assertThat(api.get("/articles/" + slug).text("/article/tagList/0")).isEqualTo("kept");
        } finally {
            second.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    @Test
    void stopLetsRequestsInFlightFinish() throws Exception {
        Path dataDir = TestServer.newDataDir();
        int requests = 6;
        // each registration checks its name, then hashes its password (a few at a time), then inserts
        var checked = new CountDownLatch(requests);
        var names = new ArrayList<String>();
        Main app = Main.start(Config.from(embeddedWithoutJwtSecret(dataDir)), sql -> {
            if (sql.contains("username_taken")) {
                checked.countDown();
            }
        });
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var results = new ArrayList<Future<Api.Response>>();
            for (int i = 0; i < requests; i++) {
                String name = Api.unique("inflight");
                names.add(name);
                results.add(executor.submit(() -> api.post("/users", wrap("user", "username", name,
                        "email", name + "@example.com", "password", "password123"), null)));
            }
            assertThat(checked.await(30, TimeUnit.SECONDS)).as("every request reached the database").isTrue();
            app.stop();
            for (var result : results) {
                assertThat(result.get().status()).isEqualTo(201);
            }

            Main again = Main.start(Config.from(embeddedWithoutJwtSecret(dataDir)), sql -> { });
            try {
                var restarted = new Api("http://127.0.0.1:" + again.port() + "/api");
                for (String name : names) {
                    assertThat(restarted.get("/profiles/" + name).status()).as(name).isEqualTo(200);
                }
            } finally {
                again.stop();
            }
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    private static HashMap<String, String> embeddedWithoutJwtSecret(Path dataDir) {
        var env = new HashMap<>(TestServer.embeddedEnvironment(dataDir));
        env.remove("JWT_SECRET");
        return env;
    }
}

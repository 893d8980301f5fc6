package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * DATABASE_URL mode: a second Conduit pointed at the shared test server's PostgreSQL (as an operator would point
 * it at theirs) serves the same data, starts no database of its own, and leaves that database running on stop.
 */
class ExternalDatabaseTest {

    @Test
    void aSecondInstanceOnTheSameDatabaseSharesItsData() {
        Path ownDir = TestServer.newDataDir();
        Main second = Main.start(Config.from(onSharedDatabase(ownDir, 5)), sql -> { });
        try {
            var secondApi = new Api("http://127.0.0.1:" + second.port() + "/api");
            var user = secondApi.register("external");

            var viaFirst = TestServer.api().post("/users/login",
                    wrap("user", "email", user.email(), "password", user.password()), null);
            assertThat(viaFirst.status()).isEqualTo(200);
            assertThat(Files.exists(ownDir.resolve("postgres"))).isFalse();
        } finally {
            second.stop();
            TestServer.deleteTree(ownDir);
        }
        assertThat(TestServer.api().get("/tags").status()).isEqualTo(200);
    }

    @Test
    void noFreeConnectionWithinTheTimeoutIs503WithRetryAfter() throws Exception {
        Path ownDir = TestServer.newDataDir();
        Main small = Main.start(Config.from(onSharedDatabase(ownDir, 1)), sql -> { });
        var api = new Api("http://127.0.0.1:" + small.port() + "/api");
        try (var lock = TestServer.database().open(); var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // the pool's one connection is held by a request waiting on a lock this test holds
            lock.begin();
            lock.execute("lock table article_tags in access exclusive mode");
            var waiting = executor.submit(() -> api.get("/tags"));
            awaitQueryBlockedOnLock();

            // another read (a second /tags would wait for the first one's load, which it shares)
            var res = api.get("/profiles/" + Api.unique("nobody"));
            res.assertError(503, "server", "is busy, retry shortly");
            assertThat(res.headers().firstValue("Retry-After")).contains("1");

            lock.rollback();
            assertThat(waiting.get().status()).isEqualTo(200);
        } finally {
            small.stop();
            TestServer.deleteTree(ownDir);
        }
    }

    /** Polled from a connection of its own: a transaction sees one snapshot of pg_stat_activity. */
    private static void awaitQueryBlockedOnLock() {
        Waits.upTo(Duration.ofSeconds(10)).alias("a request waiting on the lock").until(() -> TestServer.database()
                .withHandle(h -> h.createQuery("""
                        select exists(select 1 from pg_stat_activity
                                      where wait_event_type = 'Lock' and query like '%article_tags%')""")
                .mapTo(Boolean.class).one()));
    }

    /** The environment of a second instance on the shared test server's PostgreSQL. */
    private static HashMap<String, String> onSharedDatabase(Path ownDir, int poolSize) {
        var env = new HashMap<>(TestServer.environment(ownDir));
        env.put("DATABASE_POOL_SIZE", Integer.toString(poolSize));
        return env;
    }
}

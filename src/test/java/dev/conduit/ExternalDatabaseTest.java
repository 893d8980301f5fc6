package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/**
 * DATABASE_URL mode: a second Conduit pointed at the shared test server's PostgreSQL (as an operator would point
 * it at theirs) serves the same data, starts no database of its own, and leaves that database running on stop.
 */
class ExternalDatabaseTest {

    @Test
    void aSecondInstanceOnTheSameDatabaseSharesItsData() throws IOException {
        Path ownDir = TestServer.newDataDir();
        Main second = Main.start(Config.from(onSharedDatabase(ownDir, 5)));
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
    void noFreeConnectionWithinTheTimeoutIs503WithRetryAfter() throws IOException {
        Path ownDir = TestServer.newDataDir();
        Main small = Main.start(Config.from(onSharedDatabase(ownDir, 1)));
        try (var held = small.database().jdbi().open()) {
            held.execute("select 1");
            var res = new Api("http://127.0.0.1:" + small.port() + "/api").get("/tags");

            assertThat(res.status()).isEqualTo(503);
            assertThat(res.headers().firstValue("Retry-After")).contains("1");
            assertThat(res.text("/errors/server/0")).contains("busy");
        } finally {
            small.stop();
            TestServer.deleteTree(ownDir);
        }
    }

    /** The environment of an instance using the shared test server's PostgreSQL through DATABASE_URL. */
    private static HashMap<String, String> onSharedDatabase(Path ownDir, int poolSize) throws IOException {
        assumeTrue(System.getenv("DATABASE_URL") == null, "the shared server must run the embedded database");
        Path shared = TestServer.dataDir();
        // line 4 of postmaster.pid is the port the embedded server listens on
        String port = Files.readAllLines(shared.resolve("postgres/postmaster.pid")).get(3).strip();
        String password = Files.readString(shared.resolve("postgres-password")).strip();
        var env = new HashMap<>(TestServer.environment(ownDir));
        env.put("DATABASE_URL", "postgres://conduit:" + password + "@127.0.0.1:" + port + "/conduit");
        env.put("DATABASE_POOL_SIZE", Integer.toString(poolSize));
        return env;
    }
}

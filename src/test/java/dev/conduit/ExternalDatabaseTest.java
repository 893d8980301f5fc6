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
        assumeTrue(System.getenv("DATABASE_URL") == null, "the shared server must run the embedded database");
        Path shared = TestServer.dataDir();
        // line 4 of postmaster.pid is the port the embedded server listens on
        String port = Files.readAllLines(shared.resolve("postgres/postmaster.pid")).get(3).strip();
        String password = Files.readString(shared.resolve("postgres-password")).strip();

        Path ownDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(ownDir));
        env.put("DATABASE_URL", "postgres://conduit:" + password + "@127.0.0.1:" + port + "/conduit");
        Main second = Main.start(Config.from(env));
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
}

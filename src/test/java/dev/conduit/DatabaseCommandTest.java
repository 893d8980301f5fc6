package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code conduit database}: the embedded PostgreSQL in a process no node owns (./conduit cluster). Nodes pointed at
 * it share its data; a node's stop leaves it running; SIGTERM stops PostgreSQL with it; its data stays on disk for
 * the next start.
 */
class DatabaseCommandTest {

    @Test
    void nodesShareTheDatabaseProcessWhichOutlivesThemAndKeepsItsData() throws Exception {
        Path databaseDir = TestServer.newDataDir();
        Path nodeDir = TestServer.newDataDir();
        try {
            Api.User user;
            try (var database = ConduitProcess.database(Map.of("DATA_DIR", databaseDir.toString()))) {
                var env = nodeEnvironment(databaseDir, nodeDir, database.port());
                Main a = Main.start(Config.from(env), sql -> { });
                Main b = Main.start(Config.from(env), sql -> { });
                try {
                    user = api(a).register("cluster");
                    assertThat(api(b).get("/profiles/" + user.username()).status()).isEqualTo(200);
                    a.stop();
                    // the other node still writes: the database was never node A's
                    assertThat(api(b).post("/articles", Api.wrap("article", "title", Api.unique("Outlived"),
                            "description", "d", "body", "b"), user.token()).status()).isEqualTo(201);
                } finally {
                    a.stop();
                    b.stop();
                }
                var postmaster = ConduitProcess.postmaster(databaseDir).orElseThrow();
                database.terminate();
                assertThat(database.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
                // pg_ctl stop waits for its pid file to go; the process itself is gone a moment later
                postmaster.onExit().get(10, TimeUnit.SECONDS);
                assertThat(database.log()).contains("Embedded PostgreSQL stopped");
            }
            // a second start on the same folder finds the data
            try (var database = ConduitProcess.database(Map.of("DATA_DIR", databaseDir.toString()))) {
                Main a = Main.start(Config.from(nodeEnvironment(databaseDir, nodeDir, database.port())), sql -> { });
                try {
                    assertThat(api(a).get("/profiles/" + user.username()).status()).isEqualTo(200);
                } finally {
                    a.stop();
                }
            }
        } finally {
            TestServer.deleteTree(databaseDir);
            TestServer.deleteTree(nodeDir);
        }
    }

    /** Both nodes share one DATA_DIR: with DATABASE_URL and JWT_SECRET set, a node keeps nothing there. */
    private static Map<String, String> nodeEnvironment(Path databaseDir, Path nodeDir, int port) throws Exception {
        var env = new HashMap<>(TestServer.embeddedEnvironment(nodeDir));
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + port + "/conduit");
        env.put("DATABASE_USER", "conduit");
        env.put("DATABASE_PASSWORD", Files.readString(databaseDir.resolve("postgres-password")).strip());
        return env;
    }

    private static Api api(Main node) {
        return new Api("http://127.0.0.1:" + node.port() + "/api");
    }
}

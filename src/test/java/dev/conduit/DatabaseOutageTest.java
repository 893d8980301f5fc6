package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.platform.db.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The database goes away while Conduit runs: requests that need it get 503 within the bounds (the pool's wait, the
 * socket timeout), never a 500 and never a wait without end, and Conduit serves again once the database is back,
 * without a restart of its own.
 */
class DatabaseOutageTest {

    @Test
    void aFrozenDatabaseGets503WithinTheBoundsAndServiceResumesOnceItThaws() throws Exception {
        Path dataDir = TestServer.newDataDir();
        var database = EmbeddedPostgres.start(dataDir, Config.from(Map.of()).postgresOsUser(), 40);
        Main app = null;
        List<Long> frozen = postgresProcesses(dataDir);
        try {
            var env = new HashMap<>(TestServer.environment(dataDir, database.prepareApplicationRole()));
            env.put("DATABASE_SOCKET_TIMEOUT_SECONDS", "2");
            app = Main.start(Config.from(env), sql -> { });
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var author = api.register("frozen");
            String slug = api.createArticle(author, Api.unique("Before the freeze"), List.of("outage"));
            assertThat(api.get("/articles/" + slug).status()).isEqualTo(200);
            // the postmaster first, so that no backend is forked after the list is taken: the pool keeps one
            // connection until the node listens, then opens the rest in the background, maybe just now
            frozen = postgresProcesses(dataDir).subList(0, 1);
            signal("STOP", frozen);
            frozen = postgresProcesses(dataDir);
            signal("STOP", frozen);
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                var write = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "in the freeze"),
                        author.token());
                long millis = (System.nanoTime() - start) / 1_000_000;
                write.assertError(503, "server", "is busy, retry shortly");
                assertThat(write.headers().firstValue("Retry-After")).hasValue("1");
                // a statement already sent waits out the socket timeout (2 s here); a new one, the pool's wait (1 s)
                assertThat(millis).as("failed within the socket timeout").isLessThan(3_500);
            }
            var list = api.get("/articles?limit=3&offset=17");
            assertThat(list.status()).as(list.body()).isEqualTo(503);
            assertThat(api.get("/articles/" + slug).status()).as("a cached article still answers").isEqualTo(200);

            signal("CONT", frozen);
            frozen = List.of();
            long thawed = System.nanoTime();
            Api.Response after;
            do {
                after = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "after"), author.token());
            } while (after.status() == 503 && System.nanoTime() - thawed < 10_000_000_000L);
            assertThat(after.status()).as(after.body()).isEqualTo(201);
            assertThat((System.nanoTime() - thawed) / 1_000_000).as("served again soon after the thaw")
                    .isLessThan(5_000);
        } finally {
            signal("CONT", frozen);
            if (app != null) {
                app.stop();
            }
            database.close();
            TestServer.deleteTree(dataDir);
        }
    }

    @Test
    void anEmbeddedPostgresThatDiesIsStartedAgainAndKeepsWhatWasCommitted() throws Exception {
        Path dataDir = TestServer.newDataDir();
        Main app = Main.start(Config.from(TestServer.embeddedEnvironment(dataDir)), sql -> { });
        try {
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var author = api.register("survivor");
            String slug = api.createArticle(author, Api.unique("Committed"), List.of("crash"));
            long postmaster = postgresProcesses(dataDir).getFirst();

            signal("KILL", List.of(postmaster));
            long killed = System.nanoTime();
            var statuses = new ArrayList<Integer>();
            Api.Response write;
            do {
                write = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "after the crash"),
                        author.token());
                statuses.add(write.status());
                Thread.sleep(50);
            } while (write.status() != 201 && System.nanoTime() - killed < 30_000_000_000L);
            assertThat(write.status()).as(write.body()).isEqualTo(201);
            assertThat(statuses).as("only 503 until it was back").allMatch(s -> s == 503 || s == 201);
            assertThat(postgresProcesses(dataDir).getFirst()).as("a new postmaster").isNotEqualTo(postmaster);
            assertThat(api.get("/articles/" + slug).text("/article/tagList/0")).isEqualTo("crash");
            assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isEqualTo(1);
            assertThat(new Api("http://127.0.0.1:" + app.port()).get("/health/ready").status()).isEqualTo(200);
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    /** The cluster's postmaster (first) and every process it started. */
    private static List<Long> postgresProcesses(Path dataDir) throws Exception {
        var postmaster = ConduitProcess.postmaster(dataDir).orElseThrow();
        return Stream.concat(Stream.of(postmaster), postmaster.descendants()).map(ProcessHandle::pid).toList();
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        if (pids.isEmpty()) {
            return;
        }
        var command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}

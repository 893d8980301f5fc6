package dev.conduit.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.Config;
import dev.conduit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.generic.GenericType;
import org.junit.jupiter.api.Test;

class EmbeddedDatabaseTest {
    @Test
    void theApplicationIsNotASuperuserSoItsSqlCannotReachServerFiles() {
        assumeTrue(System.getenv("DATABASE_URL") == null, "only the embedded server's roles are ours to check");
        var jdbi = TestServer.database();

        boolean superuser = jdbi.withHandle(h -> h.createQuery(
                "select rolsuper from pg_roles where rolname = current_user").mapTo(Boolean.class).one());
        String owner = jdbi.withHandle(h -> h.createQuery(
                "select pg_get_userbyid(datdba) from pg_database where datname = current_database()")
                .mapTo(String.class).one());

        assertThat(superuser).isFalse();
        assertThat(owner).isEqualTo("conduit");
    }

    /**
     * An answer goes out after its commit, and the commit waits for its WAL to reach the disk: an acknowledged write
     * survives a crash of the machine, not only of the processes (CrashTest kills those).
     */
    @Test
    void aCommitReachesTheDiskBeforeItIsAcknowledged() {
        assumeTrue(System.getenv("DATABASE_URL") == null, "only the embedded server's settings are ours");
        var settings = TestServer.database().withHandle(h -> h.createQuery("""
                select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes')
                """).setMapKeyColumn("name").setMapValueColumn("setting")
                .collectInto(new GenericType<Map<String, String>>() { }));

        assertThat(settings).containsExactlyInAnyOrderEntriesOf(
                Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"));
    }

    /**
     * A backend busy with a long query outlives its SIGKILLed postmaster, and holds the old server's shared memory:
     * PostgreSQL refuses to start beside it, so a start kills it first.
     */
    @Test
    void startsOverAKilledServerWhoseBackendIsStillBusy() throws Exception {
        Path dataDir = TestServer.newDataDir();
        String osUser = Config.from(Map.of()).postgresOsUser();
        var first = EmbeddedPostgres.start(dataDir, osUser, 10);
        try {
            var target = first.prepareApplicationRole();
            var busy = DriverManager.getConnection(target.jdbcUrl(), target.user().get(), target.password().get());
            var query = CompletableFuture.runAsync(() -> {
                try (busy; var statement = busy.createStatement()) {
                    // ends by itself should the test fail
                    statement.execute("set statement_timeout = '30s'");
                    statement.executeQuery("select count(*) from generate_series(1, 10000000000)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread.ofVirtual()::start);
            Jdbi.create(target.jdbcUrl(), target.user().get(), target.password().get()).useHandle(h -> {
                while (h.createQuery("select count(*) from pg_stat_activity where query like 'select count(*)%'"
                        + " and state = 'active'").mapTo(Integer.class).one() == 0) {
                    Thread.sleep(10);
                }
            });
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().trim());
            var postmaster = ProcessHandle.of(pid).orElseThrow();
            var backends = postmaster.children().toList();
            postmaster.destroyForcibly();
            postmaster.onExit().get(10, TimeUnit.SECONDS);
            // what a killed Conduit leaves: its lock released, its database's backends running
            first.close();
            assumeThat(backends).as("a backend outlived its postmaster").anyMatch(ProcessHandle::isAlive);

            try (var second = EmbeddedPostgres.start(dataDir, osUser, 10)) {
                var restarted = second.prepareApplicationRole();
                int answer = Jdbi.create(restarted.jdbcUrl(), restarted.user().get(), restarted.password().get())
                        .withHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one());
                assertThat(answer).isEqualTo(1);
            }
            assertThat(query).failsWithin(10, TimeUnit.SECONDS);
        } finally {
            first.close();
            TestServer.deleteTree(dataDir);
        }
    }
}

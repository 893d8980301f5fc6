package dev.conduit.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * Flyway runs only for a schema behind this release: a fresh one is migrated, a current or newer one is left as
 * is. Each case gets a schema of its own on the test server's database.
 */
class MigrationsTest {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*\\.sql");

    @Test
    void theNewestVersionIsTheNewestFile() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            var newest = files.map(file -> VERSIONED.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> MigrationVersion.fromVersion(m.group(1).replace('_', '.')))
                    .max(Comparator.naturalOrder())
                    .orElseThrow();
            assertThat(newest).isEqualTo(Migrations.NEWEST);
        }
    }

    @Test
    void aFreshSchemaIsMigratedThenLeftAlone() {
        var target = TestServer.inNewSchema("fresh");

        var first = apply(target);
        var second = apply(target);

        assertThat(first.flywayRan()).isTrue();
        assertThat(first.applied()).isPositive();
        assertThat(first.version()).isEqualTo(Migrations.NEWEST.getVersion());
        assertThat(second).isEqualTo(new Migrations.Outcome(Migrations.NEWEST.getVersion(), 0, false));
    }

    @Test
    void aSchemaFromALaterReleaseIsLeftAlone() {
        var target = TestServer.inNewSchema("later");
        apply(target);
        String schema = TestServer.schemaOf(target);
        TestServer.database().useHandle(h -> h.execute("insert into " + schema + ".flyway_schema_history"
                + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
                + " values (999, '999', 'from a later release', 'SQL', 'V999__later.sql', 0, current_user, 0, true)"));

        assertThat(apply(target)).isEqualTo(new Migrations.Outcome("999", 0, false));
    }

    @Test
    void aMigrationThatFailedOutsideATransactionRunsAgainOnTheNextStart() {
        var target = TestServer.inNewSchema("failed");
        Migrations.applyUpTo(target, "15");
        String schema = TestServer.schemaOf(target);
        // V16 builds an index concurrently: made to time out waiting for the table, it fails for real
        var impatient = new DatabaseTarget(target.jdbcUrl() + "&options=-c%20lock_timeout%3D200", target.user(),
                target.password());
        try (var holder = TestServer.database().open()) {
            holder.begin();
            holder.execute("lock table " + schema + ".jobs in share update exclusive mode");
            assertThatThrownBy(() -> apply(impatient)).hasStackTraceContaining("lock timeout");
            holder.rollback();
        }
        List<String> failed = TestServer.database().withHandle(h -> h.createQuery("select script from " + schema
                + ".flyway_schema_history where not success").mapTo(String.class).list());
        assertThat(failed).as("Flyway's record of the failure, which it would refuse to migrate past")
                .singleElement().asString().startsWith("V16__");

        var retried = apply(target);

        assertThat(retried.version()).isEqualTo(Migrations.NEWEST.getVersion());
        boolean valid = TestServer.database().withHandle(h -> h.createQuery("select indisvalid from pg_index"
                + " where indexrelid = cast(:name as regclass)").bind("name", schema + ".jobs_dead_idx")
                .mapTo(Boolean.class).one());
        assertThat(valid).isTrue();
        int stillFailed = TestServer.database().withHandle(h -> h.createQuery("select count(*) from " + schema
                + ".flyway_schema_history where not success").mapTo(Integer.class).one());
        assertThat(stillFailed).isZero();
    }

    /** As start-up runs it: the version read through a pool (of one: Flyway must not need the pool's). */
    private static Migrations.Outcome apply(DatabaseTarget target) {
        try (var pool = Database.connect(target, 1, StatementListener.NONE)) {
            return Migrations.apply(target, pool.dataSource());
        }
    }
}

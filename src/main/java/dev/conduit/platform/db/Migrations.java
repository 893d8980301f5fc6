package dev.conduit.platform.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The schema: the versioned SQL files under {@code db/migration}, applied by Flyway in order. Flyway starts
 * slowly (it scans the class path for migrations), so it runs only when the database is behind this release: a
 * schema that is current, or newer (a later release was deployed first, during a rolling upgrade), is left as is.
 */
public final class Migrations {
    /** The newest file under db/migration ({@code V16__...}); MigrationsTest keeps the two in step. */
    static final MigrationVersion NEWEST = MigrationVersion.fromVersion("16");

    /** PostgreSQL's SQLSTATE for a relation that does not exist. */
    private static final String UNDEFINED_TABLE = "42P01";

    private static final System.Logger LOG = System.getLogger(Migrations.class.getName());

    private Migrations() {
    }

    /** What {@link #apply} found and did. */
    public record Outcome(String version, int applied, boolean flywayRan) {
    }

    /**
     * Brings the schema up to this release's newest version. The version is read on a connection of {@code pool}
     * (a login costs a cold JVM tens of milliseconds of SCRAM hashing, so start-up makes no extra one); Flyway,
     * when it must run, opens its own connections (two at once, more than a pool of one could lend).
     */
    public static Outcome apply(DatabaseTarget target, DataSource pool) {
        Optional<MigrationVersion> current = appliedVersion(pool);
        if (current.isPresent() && current.get().compareTo(NEWEST) >= 0) {
            LOG.log(System.Logger.Level.INFO, "Schema at version " + current.get() + " (nothing to migrate)");
            return new Outcome(current.get().getVersion(), 0, false);
        }
        forgetFailures(pool);
        var result = flyway(target).load().migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.log(System.Logger.Level.INFO, "Schema at version " + version
                + " (" + result.migrationsExecuted + " migrations applied now)");
        return new Outcome(version, result.migrationsExecuted, true);
    }

    /**
     * Removes the records of migrations that failed on an earlier start, so that this one runs them again; Flyway
     * would refuse to migrate past them until someone ran its {@code repair}. Only a migration run outside a
     * transaction leaves such a record (one in a transaction rolls its record back with it), and those are written
     * to be run again (V16 drops the index it then builds): a lock or statement timeout, say, is retried by the next
     * start, not left for an operator.
     */
    private static void forgetFailures(DataSource pool) {
        try (var connection = pool.getConnection();
                var statement = connection.createStatement()) {
            ResultSet rows;
            try {
                rows = statement.executeQuery("delete from flyway_schema_history where not success returning script");
            } catch (SQLException e) {
                if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                    return;
                }
                throw e;
            }
            while (rows.next()) {
                LOG.log(System.Logger.Level.WARNING, rows.getString(1) + " failed on an earlier start (that node's log"
                        + " says why); running it again");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema's history: " + e.getMessage(), e);
        }
    }

    /**
     * Brings the schema to exactly {@code version}, an older one than this release's newest if asked (a restore
     * loads a backup's rows into the schema they were taken from, then {@link #apply} takes them further).
     */
    public static void applyUpTo(DatabaseTarget target, String version) {
        flyway(target).target(MigrationVersion.fromVersion(version)).load().migrate();
    }

    /**
     * Flyway on this release's migrations. Its lock on the schema is a session's advisory lock, not one held in an
     * open transaction: {@code create index concurrently} (V16) waits for every open transaction to end, Flyway's
     * own too, and waited for it forever.
     */
    private static FluentConfiguration flyway(DatabaseTarget target) {
        return Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user().orElse(null), target.password().orElse(null))
                .locations("classpath:db/migration")
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
    }

    /**
     * Makes {@code language} (SEARCH_LANGUAGE: a text-search configuration PostgreSQL has) the one the search vectors
     * are made in. It is part of the schema, the function {@code search_language()} (V8), so that a restore, which
     * loads tables, not functions, keeps the database's own; when it was another, every article's search row is
     * made again ({@code reindex_article_search()}, in the same transaction) and their number returned. Plain JDBC
     * on a connection of {@code pool}, as the version check: it runs before the node serves, and JDBI's first
     * statement costs a cold JVM ~100 ms of CPU (it registers its JFR event, which sets up the flight recorder's
     * metadata) that start-up would wait for; the job workers' first poll pays it once the node listens.
     */
    public static OptionalLong useSearchLanguage(DataSource pool, String language) {
        // DDL takes no parameters: Config lets only such a name through, and pg_ts_config must list it
        if (!language.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a text-search configuration name: " + language);
        }
        try (var connection = pool.getConnection()) {
            // one round trip on start-up's path: whether the configuration exists, and the one in use
            try (var read = connection.prepareStatement("select exists(select 1 from pg_ts_config where cfgname = ?),"
                    + " cast(search_language() as text)")) {
                read.setString(1, language);
                try (var rows = read.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        throw new IllegalArgumentException("PostgreSQL has no text-search configuration '" + language
                                + "' (SEARCH_LANGUAGE; select cfgname from pg_ts_config lists them)");
                    }
                    if (rows.getString(2).equals(language)) {
                        return OptionalLong.empty();
                    }
                }
            }
            try (var statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                try {
                    statement.execute("create or replace function search_language() returns regconfig language sql"
                            + " stable as $$ select cast('" + language + "' as regconfig) $$");
                    long reindexed;
                    try (var rows = statement.executeQuery("select reindex_article_search()")) {
                        rows.next();
                        reindexed = rows.getLong(1);
                    }
                    connection.commit();
                    return OptionalLong.of(reindexed);
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the search language: " + e.getMessage(), e);
        }
    }

    /** The newest version this release has. */
    public static String newest() {
        return NEWEST.getVersion();
    }

    /** The newest version Flyway recorded as applied, if it recorded any (in the connection's current schema). */
    public static Optional<MigrationVersion> appliedVersion(DataSource pool) {
        try (var connection = pool.getConnection()) {
            return appliedVersion(connection);
        } catch (SQLException e) {
            // the pool's timeout says only that it timed out; why it could not connect is its cause
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot read the schema version: " + reason.getMessage(), e);
        }
    }

    /** The same, on {@code connection} (a backup reads it inside its snapshot). */
    static Optional<MigrationVersion> appliedVersion(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            ResultSet rows;
            try {
                rows = statement.executeQuery(
                        "select version from flyway_schema_history where success and version is not null");
            } catch (SQLException e) {
                if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                    return Optional.empty(); // a database Flyway has never run on
                }
                throw e;
            }
            MigrationVersion newest = null;
            while (rows.next()) {
                var version = MigrationVersion.fromVersion(rows.getString(1));
                if (newest == null || version.compareTo(newest) > 0) {
                    newest = version;
                }
            }
            return Optional.ofNullable(newest);
        }
    }
}

package dev.conduit.platform.db;

import org.flywaydb.core.Flyway;

/** The schema: the versioned SQL files under {@code db/migration}, applied by Flyway in order. */
public final class Migrations {
    private static final System.Logger LOG = System.getLogger(Migrations.class.getName());

    private Migrations() {
    }

    /** Brings the schema up to the newest version. Flyway opens its own connections: it holds two at once. */
    public static void apply(DatabaseTarget target) {
        var result = Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user().orElse(null), target.password().orElse(null))
                .locations("classpath:db/migration")
                .load()
                .migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.log(System.Logger.Level.INFO, "Schema at version " + version
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }
}

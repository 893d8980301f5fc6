package dev.conduit.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.conduit.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The connection pool, the schema (Flyway migrations) and the JDBI entry point every store uses; owns the
 * embedded PostgreSQL server when there is no {@code DATABASE_URL}.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final LongAdder statements = new LongAdder();

    private Database(EmbeddedPostgres embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
        // exception messages leave out SQL and bound values: those are emails, bios and password hashes
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        jdbi.getConfig(SqlStatements.class).setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                statements.increment();
            }
        });
    }

    /** Starts the embedded server if needed, opens the pool and migrates the schema. */
    public static Database open(Config config) {
        Target external = config.databaseUrl()
                .map(url -> Target.parse(url, config.databaseUser(), config.databasePassword()))
                .orElse(null);
        // max_connections leaves room beyond the pool for an operator's psql sessions
        EmbeddedPostgres embedded = external != null ? null : EmbeddedPostgres.start(config.dataDir(),
                config.postgresOsUser(), Math.max(100, config.databasePoolSize() + 20));
        try {
            Target target = external != null ? external : Target.of(embedded.connection());
            migrate(target);
            return new Database(embedded, pool(target, config.databasePoolSize()));
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** Flyway on connections of its own: it holds two at once, more than a pool of one could give it. */
    private static void migrate(Target target) {
        var result = Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user().orElse(null), target.password().orElse(null))
                .locations("classpath:db/migration")
                .load()
                .migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.log(System.Logger.Level.INFO, "Schema at version " + version
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }

    private static HikariDataSource pool(Target target, int size) {
        var hikari = new HikariConfig();
        hikari.setPoolName("conduit");
        hikari.setJdbcUrl(target.jdbcUrl());
        target.user().ifPresent(hikari::setUsername);
        target.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(size);
        // a request that cannot get a connection in time is told to retry (503), not queued forever
        hikari.setConnectionTimeout(5_000);
        hikari.addDataSourceProperty("ApplicationName", "conduit");
        return new HikariDataSource(hikari);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** SQL statements executed since start: each is one round trip to PostgreSQL. */
    public long statementsExecuted() {
        return statements.sum();
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    /** Where to connect: a JDBC URL, or a {@code postgres://user:password@host:port/db} URL as PaaS hosts give. */
    record Target(String jdbcUrl, Optional<String> user, Optional<String> password) {
        static Target of(EmbeddedPostgres.Connection connection) {
            return new Target(connection.jdbcUrl(), Optional.of(connection.user()), Optional.of(connection.password()));
        }

        static Target parse(String url, Optional<String> user, Optional<String> password) {
            if (url.startsWith("jdbc:postgresql:")) {
                return new Target(url, user, password);
            }
            if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
                throw new Config.InvalidConfig(
                        "DATABASE_URL must start with jdbc:postgresql:, postgres:// or postgresql://");
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new Config.InvalidConfig("DATABASE_URL is not a valid URL: " + e.getReason());
            }
            if (uri.getHost() == null) {
                throw new Config.InvalidConfig("DATABASE_URL has no host name that a URL allows"
                        + " (use the jdbc:postgresql:// form for host names with '_', and percent-encode"
                        + " special characters in the password)");
            }
            // URI decodes %XX but, unlike URLDecoder, leaves '+' alone: it is a valid password character
            String[] userInfo = uri.getUserInfo() == null ? new String[0] : uri.getUserInfo().split(":", 2);
            Optional<String> urlUser = part(userInfo, 0);
            Optional<String> urlPassword = part(userInfo, 1);
            String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + (uri.getRawPath() == null ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return new Target(jdbc, user.or(() -> urlUser), password.or(() -> urlPassword));
        }

        private static Optional<String> part(String[] parts, int index) {
            return index < parts.length ? Optional.of(parts[index]) : Optional.empty();
        }
    }
}

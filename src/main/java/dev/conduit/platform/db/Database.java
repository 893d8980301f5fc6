package dev.conduit.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementExceptions;

/** The connection pool and the JDBI entry point every store uses. */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final StatementListener listener;
    private Jdbi jdbi;

    private Database(HikariDataSource pool, StatementListener listener) {
        this.pool = pool;
        this.listener = listener;
    }

    /**
     * How long a request waits for a connection from the pool ({@code poolWait}: then 503), and for the database to
     * answer a statement it sent ({@code socket}: then the connection is dropped and the statement fails; a
     * database that froze would otherwise hold the request, and its connection, forever).
     */
    public record Timeouts(Duration poolWait, Duration socket) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    /** Opens a pool of {@code size} connections to {@code target}, with the default timeouts. */
    public static Database connect(DatabaseTarget target, int size, StatementListener listener) {
        return connect(target, size, Timeouts.DEFAULT, listener);
    }

    /** Opens a pool of {@code size} connections to {@code target}; {@code listener} hears of every statement. */
    public static Database connect(DatabaseTarget target, int size, Timeouts timeouts, StatementListener listener) {
        var hikari = new HikariConfig();
        hikari.setPoolName("conduit");
        hikari.setJdbcUrl(target.jdbcUrl());
        target.user().ifPresent(hikari::setUsername);
        target.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(size);
        // no connection before returning: start-up's schema check waits for the first one
        hikari.setInitializationFailTimeout(-1);
        // a request that cannot get a connection in time is told to retry (503), not queued forever
        hikari.setConnectionTimeout(timeouts.poolWait().toMillis());
        // a connection idle for a while is checked before use: within this much, or dropped
        hikari.setValidationTimeout(Math.max(250, timeouts.poolWait().toMillis() / 2));
        hikari.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, timeouts.socket().toSeconds())));
        // a database that accepts TCP but does not answer (frozen) must not hold the pool's connection maker
        hikari.addDataSourceProperty("connectTimeout", "2");
        hikari.addDataSourceProperty("loginTimeout", "3");
        hikari.addDataSourceProperty("ApplicationName", "conduit");
        // sends the application name in the start-up packet instead of a SET after login (the schema needs 10+)
        hikari.addDataSourceProperty("assumeMinServerVersion", "10");
        return new Database(new HikariDataSource(hikari), listener);
    }

    /** From now on the pool reports its connections (active, idle, pending) and acquire times to {@code metrics}. */
    public void reportTo(MeterRegistry metrics) {
        pool.setMetricRegistry(metrics);
    }

    /**
     * The JDBI entry point, built on first use: start-up asks for it after the first connection is under way,
     * so that its set-up (tens of milliseconds on a cold JVM) overlaps the login.
     */
    public synchronized Jdbi jdbi() {
        if (jdbi == null) {
            jdbi = Jdbi.create(pool);
            // exception messages leave out SQL and bound values: those are emails, bios and password hashes
            jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
            jdbi.getConfig(SqlStatements.class).setSqlLogger(new SqlLogger() {
                @Override
                public void logAfterExecution(StatementContext context) {
                    listener.executed(context.getParsedSql().getSql(), context.getExecutionMoment(),
                            context.getCompletionMoment(), null);
                }

                @Override
                public void logException(StatementContext context, SQLException failure) {
                    listener.executed(context.getParsedSql().getSql(), context.getExecutionMoment(),
                            context.getExceptionMoment(), failure);
                }
            });
        }
        return jdbi;
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}

package dev.conduit.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.limits.Turns;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The connection pool and the JDBI entry point every store uses. While the database is down, HikariCP's
 * connection maker waits longer and longer between attempts (up to 5 s), and keeps that pace once the database is
 * back: so when the pool has lost every connection, a watcher tries one connection of its own every
 * {@value #WATCH_MILLIS} ms, and once that gets through, a new pool (which connects at once) takes the old one's
 * place. Meanwhile a circuit breaker spares requests the pool's wait: once most recent attempts to get a
 * connection failed for want of a database, the next ones fail at once (503) for a second, then a few are let
 * through to see whether it is back.
 *
 * <p>Requests wait their turn for a connection here (barging: one that finds a turn free takes it, and the
 * longest waiting are woken to try; see {@link Turns}), rather than in the pool, so that
 * each may wait as long as it should: {@code poolWait} (then 503), or the overload wait only when {@code sheddable}
 * says so (an admitted request that has not yet run a statement, while the front door sheds load). The front door's
 * admission limit is sized by all requests, those the caches answer included: when the database is what limits
 * (slow, or given more than it can do), the admitted requests that need it would otherwise queue here for far
 * longer than the others take. A waiter reads its patience again when {@link #sheddingBegan()} says the front door
 * began shedding: one that waited longer than the overload wait gives up then.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());
    private static final long WATCH_MILLIS = 250;
    /** SQLSTATEs admin_shutdown, crash_shutdown, cannot_connect_now. */
    private static final Set<String> SHUTTING_DOWN_OR_STARTING = Set.of("57P01", "57P02", "57P03");

    private final Supplier<HikariConfig> settings;
    private final DatabaseTarget target;
    private final Timeouts timeouts;
    private final StatementListener listener;
    private final Turns turns;
    private final LongSupplier patience; // how long the asking thread may wait for its turn, in nanoseconds
    private final LongAdder refused = new LongAdder();
    private final BooleanSupplier forRequest;
    private volatile HikariDataSource pool;
    private volatile MeterRegistry metrics;
    private volatile boolean closed;
    private final int size;
    /** Whether the pool keeps all its connections open ({@link #fill}), or one. */
    private volatile boolean filled;
    private final CircuitBreaker breaker = CircuitBreaker.of("database", CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(10)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(1))
            .permittedNumberOfCallsInHalfOpenState(3)
            .recordException(Database::unavailable)
            .writableStackTraceEnabled(false)
            .build());
    private Jdbi jdbi;

    private Database(Supplier<HikariConfig> settings, int size, DatabaseTarget target, Timeouts timeouts,
                     StatementListener listener, BooleanSupplier sheddable, BooleanSupplier forRequest) {
        this.settings = settings;
        this.forRequest = forRequest;
        this.target = target;
        this.timeouts = timeouts;
        this.listener = listener;
        this.size = size;
        turns = Turns.barging(size);
        long poolWait = timeouts.poolWait().toNanos();
        long overloadWait = Math.min(timeouts.overloadWait().toNanos(), poolWait);
        patience = () -> sheddable.getAsBoolean() ? overloadWait : poolWait;
        this.pool = newPool();
        Thread.ofVirtual().name("database-watch").start(this::watch);
    }

    /**
     * How long a request waits for a connection ({@code poolWait} for its turn, then 503; {@code overloadWait} when
     * it is sheddable; and once more {@code poolWait} for the pool while it is short of connections), and for the
     * database to answer a statement it sent ({@code socket}: then the connection is dropped and the statement
     * fails; a database that froze would otherwise hold the request, and its connection, forever).
     */
    public record Timeouts(Duration poolWait, Duration overloadWait, Duration socket) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(20),
                Duration.ofSeconds(5));
    }

    /** Opens a pool of {@code size} connections to {@code target}, with the default timeouts. */
    public static Database connect(DatabaseTarget target, int size, StatementListener listener) {
        return connect(target, size, Timeouts.DEFAULT, listener, () -> false);
    }

    /**
     * Opens a pool of {@code size} connections to {@code target}; {@code listener} hears of every statement;
     * {@code sheddable} says whether the thread asking for a connection waits the overload wait only.
     */
    public static Database connect(DatabaseTarget target, int size, Timeouts timeouts, StatementListener listener,
            BooleanSupplier sheddable) {
        return connect(target, size, timeouts, listener, sheddable, () -> true, Optional.empty());
    }

    /**
     * The same, each connection of the pool naming {@code node} as the writer of the changes it makes (the setting
     * {@code conduit.node}, which the change feed's triggers tell with each change: V11); {@code forRequest} says
     * whether the thread asking serves a request (only those count in {@link #refused}: background work is not shed).
     */
    public static Database connect(DatabaseTarget target, int size, Timeouts timeouts, StatementListener listener,
            BooleanSupplier sheddable, BooleanSupplier forRequest, Optional<String> node) {
        return new Database(() -> settings(target, size, timeouts, node), size, target, timeouts, listener, sheddable,
                forRequest);
    }

    private static HikariConfig settings(DatabaseTarget target, int size, Timeouts timeouts, Optional<String> node) {
        var hikari = new HikariConfig();
        hikari.setPoolName("conduit");
        hikari.setJdbcUrl(target.jdbcUrl());
        target.user().ifPresent(hikari::setUsername);
        target.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(size);
        // no connection before returning: start-up's schema check waits for the first one
        hikari.setInitializationFailTimeout(-1);
        // a request that cannot get a connection in time is told to retry (503), not queued forever; with turns
        // taken first (Database.turns), the pool makes one wait only while it is short of connections (an outage, a
        // new pool)
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
        node.ifPresent(name -> hikari.addDataSourceProperty("options", "-c conduit.node=" + name));
        return hikari;
    }

    private HikariDataSource newPool() {
        var config = settings.get();
        config.setMinimumIdle(filled ? size : 1);
        return new HikariDataSource(config);
    }

    /**
     * Keeps all of the pool's connections open from now on; until then it keeps one (HikariCP opens more as requests
     * ask). A start calls it once it listens: each login is a SCRAM hash (4,096 rounds of HMAC-SHA-256), tens of
     * milliseconds of a cold JVM's CPU, and the pool's first four competed with the start for its cores. HikariCP
     * opens the rest at its next upkeep (within 30 s), or sooner as requests ask for them.
     */
    public synchronized void fill() {
        filled = true;
        pool.getHikariConfigMXBean().setMinimumIdle(size);
    }

    /** From now on the pool reports its connections (active, idle, pending) and acquire times to {@code metrics}. */
    public synchronized void reportTo(MeterRegistry metrics) {
        this.metrics = metrics;
        pool.setMetricRegistry(metrics);
    }

    private void watch() {
        boolean connected = false;
        while (!closed) {
            try {
                Thread.sleep(WATCH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            var state = pool.getHikariPoolMXBean();
            if (state == null || state.getTotalConnections() > 0) {
                connected = connected || state != null;
                continue;
            }
            // a pool closed by close() has no connections either: not an outage
            if (connected && reachable() && !replacePool()) {
                return;
            }
            connected = false;
        }
    }

    private boolean reachable() {
        var properties = login(1);
        properties.setProperty("socketTimeout", "1");
        try (Connection probe = DriverManager.getConnection(target.jdbcUrl(), properties)) {
            return probe.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * A connection of its own, outside the pool and its turns, named {@code applicationName} in
     * {@code pg_stat_activity}: a listener's, open for as long as its owner runs.
     */
    public Connection connectApart(String applicationName) throws SQLException {
        var properties = login(2);
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("assumeMinServerVersion", "10");
        properties.setProperty("tcpKeepAlive", "true");
        // a connection that went dead without a word must fail, not hold its reader forever
        properties.setProperty("socketTimeout", Long.toString(Math.max(1, timeouts.socket().toSeconds())));
        return DriverManager.getConnection(target.jdbcUrl(), properties);
    }

    private Properties login(int timeoutSeconds) {
        var properties = new Properties();
        target.user().ifPresent(user -> properties.setProperty("user", user));
        target.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        properties.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        return properties;
    }

    /**
     * The new pool serves from now on; the old one is closed once its last waiters have had their answer (a 503
     * after the pool's wait), so no request sees a closed pool; its metrics pass to the new one then. False, and no
     * new pool, once {@link #close} ran.
     */
    private boolean replacePool() {
        HikariDataSource old;
        synchronized (this) {
            if (closed) {
                return false;
            }
            old = pool;
            pool = newPool();
        }
        LOG.log(System.Logger.Level.INFO, "The database answers again: a new connection pool replaces the old one");
        try {
            Thread.sleep(timeouts.poolWait().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            old.close();
            if (metrics != null && !closed) {
                pool.setMetricRegistry(metrics);
            }
        }
        return true;
    }

    /**
     * The JDBI entry point, built on first use: start-up asks for it after the first connection is under way,
     * so that its set-up (tens of milliseconds on a cold JVM) overlaps the login.
     */
    public synchronized Jdbi jdbi() {
        if (jdbi == null) {
            // the pool of the moment: a new one may replace it after an outage
            jdbi = Jdbi.create(new ConnectionFactory() {
                @Override
                public Connection openConnection() throws SQLException {
                    return connection();
                }

                @Override
                public void closeConnection(Connection connection) throws SQLException {
                    try {
                        connection.close();
                    } finally {
                        turns.release();
                    }
                }
            });
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

    /**
     * A connection from the pool of the moment, once its turn came (else {@link Failure.Overloaded}), unless the
     * breaker is open (then {@link CallNotPermittedException}).
     */
    private Connection connection() throws SQLException {
        if (!breaker.tryAcquirePermission()) {
            throw CallNotPermittedException.createCallNotPermittedException(breaker);
        }
        long start = System.nanoTime();
        if (!turns.take(patience)) {
            if (connected()) { // busy, not cut off from its database: not the breaker's business
                breaker.releasePermission();
                if (forRequest.getAsBoolean()) {
                    refused.increment();
                }
                throw new Failure.Overloaded();
            }
            var failure = new SQLTransientConnectionException("No connection to the database in time");
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
            throw failure;
        }
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException | RuntimeException e) {
            turns.release();
            if (connected()) {
                breaker.releasePermission();
            } else {
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            }
            throw e;
        }
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return connection;
    }

    /** Whether the pool of the moment holds a connection: while it does, the database is there, if busy. */
    private boolean connected() {
        var state = pool.getHikariPoolMXBean();
        return state != null && state.getTotalConnections() > 0;
    }

    /**
     * Whether {@code failure} says the database did not answer in time or at all: no connection came free from the
     * pool in time (busy, or the server is down), a connection broke (SQLSTATE class 08), the server is shutting
     * down or starting (57P01-57P03), or the breaker is open. Not the client's fault and not a bug: retry.
     */
    public static boolean unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof CallNotPermittedException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || SHUTTING_DOWN_OR_STARTING.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The front door began shedding load: those waiting for a turn read their patience again. */
    public void sheddingBegan() {
        turns.wakeAll();
    }

    /** Requests refused for want of a connection in time, since the start. */
    public long refused() {
        return refused.sum();
    }

    /** The pool of the moment (start-up's schema step, restores). */
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public synchronized void close() {
        closed = true;
        pool.close();
    }
}

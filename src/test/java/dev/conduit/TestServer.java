package dev.conduit;

import dev.conduit.platform.db.DatabaseTarget;
import dev.conduit.platform.db.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.Assumptions;
import org.jdbi.v3.core.Jdbi;

/**
 * One real Conduit for the whole test run: the HTTP server on a free port, over a real PostgreSQL that the
 * harness starts itself (the embedded one, in a temporary data folder; or the server DATABASE_URL names) and
 * hands to Conduit as its DATABASE_URL, as an operator would. Tests isolate themselves by creating their own
 * uniquely named users.
 */
public final class TestServer {
    public static final String JWT_SECRET = "test-only-secret-long-enough-for-every-hmac-algorithm-0123456789abcdef";

    private static final Statements STATEMENTS = new Statements();
    private static Main app;
    private static DatabaseTarget target;
    private static Jdbi database;

    private TestServer() {
    }

    public static synchronized Main app() {
        // a test that needs this process's own server (its caches, its database) cannot run against CONDUIT_URL's
        Assumptions.assumeTrue(elsewhere().isEmpty(), "needs the tests' own server; CONDUIT_URL is set");
        if (app == null) {
            Path dataDir = newDataDir();
            var external = externalTarget();
            EmbeddedPostgres embedded = external.isPresent() ? null
                    : EmbeddedPostgres.start(dataDir, Config.from(Map.of()).postgresOsUser(), 100);
            // before anything else can fail: the database goes with the JVM even if Conduit never starts
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (app != null) {
                    app.stop();
                }
                if (embedded != null) {
                    embedded.close();
                }
                deleteTree(dataDir);
            }));
            target = external.isPresent() ? external.get() : embedded.prepareApplicationRole();
            app = Main.start(Config.from(environment(dataDir, target)), STATEMENTS);
        }
        return app;
    }

    public static Api api() {
        return new Api(url() + "/api");
    }

    /**
     * Where the tests' requests go: the shared server, or the Conduit that CONDUIT_URL names (a cluster's balancer:
     * bench/cluster-proof runs the site's tests through one). The tests that need the server's insides are then
     * skipped.
     */
    public static String url() {
        return elsewhere().orElseGet(() -> "http://127.0.0.1:" + app().port());
    }

    /** Whether the tests' requests go to CONDUIT_URL rather than to their own server. */
    public static boolean elsewhereSet() {
        return elsewhere().isPresent();
    }

    private static Optional<String> elsewhere() {
        return Optional.ofNullable(System.getenv("CONDUIT_URL")).map(String::strip).filter(url -> !url.isEmpty())
                .map(url -> url.replaceAll("/+$", ""));
    }

    /** Every SQL statement the shared server runs. */
    public static Statements statements() {
        app();
        return STATEMENTS;
    }

    /**
     * The shared server's database, on connections of the test's own (not the server's pool), as the role the
     * server uses: for what no API request can do (remove an account, break a table, explain a query).
     */
    public static synchronized Jdbi database() {
        if (database == null) {
            var shared = target();
            database = Jdbi.create(shared.jdbcUrl(), shared.user().orElse(null), shared.password().orElse(null));
        }
        return database;
    }

    /** Where the shared server's database is. */
    public static synchronized DatabaseTarget target() {
        app();
        return target;
    }

    /**
     * The shared server's database with a new, empty schema of its own as the current one (its name begins with
     * {@code prefix}): for tables whose rows or statistics the other tests must not change.
     */
    public static DatabaseTarget inNewSchema(String prefix) {
        var shared = target();
        String schema = prefix + "_" + Long.toString(System.nanoTime(), 36);
        database().useHandle(h -> h.execute("create schema " + schema));
        String separator = shared.jdbcUrl().contains("?") ? "&" : "?";
        return new DatabaseTarget(shared.jdbcUrl() + separator + "currentSchema=" + schema, shared.user(),
                shared.password());
    }

    /** The schema {@link #inNewSchema} made. */
    public static String schemaOf(DatabaseTarget target) {
        return target.jdbcUrl().substring(target.jdbcUrl().indexOf("currentSchema=") + "currentSchema=".length());
    }

    /** A metric's value as the management port {@code port} scrapes it ({@code name}: a line's first word). */
    public static double metric(int port, String name) {
        String scrape = new Api("http://127.0.0.1:" + port).get("/metrics").body();
        return scrape.lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + scrape));
    }

    /**
     * The environment of a Conduit on the shared server's database, its own data in {@code dataDir}. Without
     * DATABASE_URL in it, a Conduit starts an embedded database of its own there.
     */
    public static Map<String, String> environment(Path dataDir) {
        return environment(dataDir, target());
    }

    /**
     * The environment of a Conduit on an embedded database of its own, in {@code dataDir} (the shared server need not
     * run for it).
     */
    public static Map<String, String> embeddedEnvironment(Path dataDir) {
        var env = new HashMap<String, String>();
        env.put("HOST", "127.0.0.1");
        env.put("PORT", "0");
        env.put("DATA_DIR", dataDir.toString());
        env.put("JWT_SECRET", JWT_SECRET);
        env.put("SHUTDOWN_GRACE_SECONDS", "5");
        // tests stop servers often; the drain has a test of its own
        env.put("SHUTDOWN_DRAIN_SECONDS", "0");
        // servers of a test run side by side; each its own management port
        env.put("MANAGEMENT_PORT", "0");
        // the logs' own test turns them on; elsewhere they would only fill the test output
        env.put("ACCESS_LOG", "off");
        // webhooks' tests deliver to receivers of their own, on loopback, and retry soon
        env.put("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8");
        env.put("JOB_FIRST_RETRY_MS", "200");
        return env;
    }

    /**
     * Runs {@code request} while the comments table is renamed away, so that the server's SQL fails as a bug
     * would (a 500); the table is back afterwards whatever happens.
     */
    public static <T> T withCommentsHidden(Supplier<T> request) {
        database().useHandle(h -> h.execute("alter table comments rename to comments_hidden"));
        try {
            return request.get();
        } finally {
            database().useHandle(h -> h.execute("alter table comments_hidden rename to comments"));
        }
    }

    /** The environment of a server with its own data folder, on the database {@code shared}. */
    static Map<String, String> environment(Path dataDir, DatabaseTarget shared) {
        var env = embeddedEnvironment(dataDir);
        env.put("DATABASE_URL", shared.jdbcUrl());
        shared.user().ifPresent(user -> env.put("DATABASE_USER", user));
        shared.password().ifPresent(password -> env.put("DATABASE_PASSWORD", password));
        return env;
    }

    /**
     * A Conduit of the test's own on the shared server's database, with {@code overrides} on top of the test
     * environment; closing it stops it and removes its data folder.
     */
    public static Own start(Map<String, String> overrides) {
        Path dataDir = newDataDir();
        var env = new HashMap<>(environment(dataDir));
        env.putAll(overrides);
        return new Own(Main.start(Config.from(env), sql -> { }), dataDir);
    }

    /** A Conduit {@link #start(Map)} started. */
    public record Own(Main app, Path dataDir) implements AutoCloseable {
        @Override
        public void close() {
            try {
                app.stop();
            } finally {
                deleteTree(dataDir);
            }
        }
    }

    /** Removes a test's data folder (an embedded PostgreSQL cluster is tens of megabytes). */
    public static void deleteTree(Path root) {
        try {
            PathUtils.deleteDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** World-traversable, so the unprivileged PostgreSQL user can reach its data when tests run as root. */
    public static Path newDataDir() {
        try {
            Path dir = Files.createTempDirectory("conduit-test");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server DATABASE_URL names, to test against instead of an embedded one. */
    private static Optional<DatabaseTarget> externalTarget() {
        var env = System.getenv();
        return Optional.ofNullable(env.get("DATABASE_URL")).map(url -> DatabaseTarget.parse(url,
                Optional.ofNullable(env.get("DATABASE_USER")), Optional.ofNullable(env.get("DATABASE_PASSWORD"))));
    }
}

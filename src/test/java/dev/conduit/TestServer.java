package dev.conduit;

import dev.conduit.platform.db.DatabaseTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.io.file.PathUtils;
import org.jdbi.v3.core.Jdbi;

/**
 * One real Conduit for the whole test run: the HTTP server on a free port, over a real PostgreSQL (embedded,
 * in a temporary data folder; or the server named by DATABASE_URL when set). Tests isolate themselves by
 * creating their own uniquely named users.
 */
public final class TestServer {
    public static final String JWT_SECRET = "test-only-secret-long-enough-for-every-hmac-algorithm-0123456789abcdef";

    private static final Statements STATEMENTS = new Statements();
    private static Main app;
    private static Path dataDir;
    private static Jdbi database;

    private TestServer() {
    }

    public static synchronized Main app() {
        if (app == null) {
            dataDir = newDataDir();
            app = Main.start(Config.from(environment(dataDir)), STATEMENTS);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.stop();
                deleteTree(dataDir);
            }));
        }
        return app;
    }

    public static Api api() {
        return new Api("http://127.0.0.1:" + app().port() + "/api");
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
            var target = target();
            database = Jdbi.create(target.jdbcUrl(), target.user().orElse(null), target.password().orElse(null));
        }
        return database;
    }

    /** Where the shared server's database is: DATABASE_URL's server, or the embedded one in its data folder. */
    public static synchronized DatabaseTarget target() {
        app();
        var env = System.getenv();
        if (env.get("DATABASE_URL") != null) {
            return DatabaseTarget.parse(env.get("DATABASE_URL"), Optional.ofNullable(env.get("DATABASE_USER")),
                    Optional.ofNullable(env.get("DATABASE_PASSWORD")));
        }
        try {
            // line 4 of postmaster.pid is the port the embedded server listens on
            String port = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).strip();
            String password = Files.readString(dataDir.resolve("postgres-password")).strip();
            return new DatabaseTarget("jdbc:postgresql://127.0.0.1:" + port + "/conduit", Optional.of("conduit"),
                    Optional.of(password));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment the test server starts with; DATABASE_* pass through to test against an external server. */
    public static Map<String, String> environment(Path dataDir) {
        var env = new HashMap<String, String>();
        for (String name : new String[] {"DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD"}) {
            if (System.getenv(name) != null) {
                env.put(name, System.getenv(name));
            }
        }
        env.put("HOST", "127.0.0.1");
        env.put("PORT", "0");
        env.put("DATA_DIR", dataDir.toString());
        env.put("JWT_SECRET", JWT_SECRET);
        env.put("SHUTDOWN_GRACE_SECONDS", "5");
        return env;
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
}

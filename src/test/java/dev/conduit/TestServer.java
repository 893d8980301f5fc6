package dev.conduit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One real Conduit for the whole test run: the HTTP server on a free port, over a real PostgreSQL (embedded,
 * in a temporary data folder; or the server named by DATABASE_URL when set). Tests isolate themselves by
 * creating their own uniquely named users.
 */
public final class TestServer {
    public static final String JWT_SECRET = "test-only-secret-long-enough-for-every-hmac-algorithm-0123456789abcdef";

    private static Main app;
    private static Path dataDir;

    private TestServer() {
    }

    public static synchronized Main app() {
        if (app == null) {
            dataDir = newDataDir();
            app = Main.start(Config.from(environment(dataDir)));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.stop();
                deleteTree(dataDir);
            }));
        }
        return app;
    }

    /** The shared server's data folder (its embedded cluster lives in {@code postgres/}). */
    public static synchronized Path dataDir() {
        app();
        return dataDir;
    }

    public static Api api() {
        return new Api("http://127.0.0.1:" + app().port() + "/api");
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
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
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

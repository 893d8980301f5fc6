package dev.conduit;

import dev.conduit.articles.ArticleRoutes;
import dev.conduit.articles.Articles;
import dev.conduit.comments.CommentRoutes;
import dev.conduit.comments.Comments;
import dev.conduit.platform.ShutdownSafeLogManager;
import dev.conduit.platform.db.Database;
import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Cors;
import dev.conduit.platform.http.ErrorResponses;
import dev.conduit.platform.security.PasswordHasher;
import dev.conduit.platform.security.SecretFile;
import dev.conduit.platform.security.Tokens;
import dev.conduit.profiles.ProfileRoutes;
import dev.conduit.profiles.Profiles;
import dev.conduit.users.UserRoutes;
import dev.conduit.users.Users;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.LogManager;

/**
 * The whole wiring, top to bottom: config, database, features, routes, server, shutdown. No scanning, no
 * injection: every object is built here with a plain constructor.
 */
public final class Main {
    static {
        // before the first logger exists, or JUL picks its default manager
        System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private final Config config;
    private Database database;
    private WebServer server;

    private Main(Config config) {
        this.config = config;
    }

    public static void main(String[] args) {
        configureLogging();
        Main app;
        try {
            app = new Main(Config.fromEnvironment());
        } catch (Config.InvalidConfig e) {
            System.err.println("conduit: " + e.getMessage());
            System.exit(2);
            return;
        }
        // installed before anything starts: a stop during start-up waits for it, then stops what started
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "conduit-shutdown"));
        int port;
        try {
            port = app.startAll();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Conduit could not start: " + e.getMessage(), e);
            System.exit(1);
            return;
        }
        // from the JVM's start (the process may have begun earlier, as ./conduit building first)
        Duration startup = Duration.between(
                Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()), Instant.now());
        LOG.log(System.Logger.Level.INFO, "Conduit listening on http://" + app.config.host() + ":" + port
                + "/api (started in " + startup.toMillis() + " ms)");
    }

    /** Builds and starts everything; the caller owns {@link #stop()}. */
    public static Main start(Config config) {
        var app = new Main(config);
        app.startAll();
        return app;
    }

    /** Returns the port listened on. */
    private synchronized int startAll() {
        database = Database.open(config);
        try {
            var tokens = new Tokens(jwtSecret(config), config.jwtTtl(), Clock.systemUTC());
            var auth = new Auth(tokens);
            var hasher = new PasswordHasher(config.passwordHashConcurrency());

            var users = new Users(database.jdbi(), hasher, tokens);
            var profiles = new Profiles(database.jdbi());
            var articles = new Articles(database.jdbi());
            var comments = new Comments(database.jdbi(), articles);

            server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false)
                    .featuresDiscoverServices(false)
                    .shutdownGracePeriod(config.shutdownGrace())
                    .maxPayloadSize(config.maxRequestBytes())
                    .directHandlers(jsonDirectHandlers())
                    .routing(routing -> {
                        ErrorResponses.register(routing);
                        routing.addFilter(new Cors(config.corsAllowedOrigins()));
                        routing.register("/api",
                                        new UserRoutes(users, auth),
                                        new ProfileRoutes(profiles, auth),
                                        new ArticleRoutes(articles, auth),
                                        new CommentRoutes(comments, auth))
                                .any(ErrorResponses::notFound);
                    })
                    .build()
                    .start();
            return server.port();
        } catch (RuntimeException e) {
            database.close();
            database = null;
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return database;
    }

    /**
     * Stops accepting, lets in-flight requests finish (up to the grace period), then closes the database.
     * Whatever has not started is skipped; calling it twice is harmless.
     */
    public synchronized void stop() {
        LOG.log(System.Logger.Level.INFO, "Conduit stopping");
        if (server != null) {
            server.stop();
            server = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
        LOG.log(System.Logger.Level.INFO, "Conduit stopped");
    }

    private static byte[] jwtSecret(Config config) {
        if (config.jwtSecret().isPresent()) {
            return config.jwtSecret().get().getBytes(StandardCharsets.UTF_8);
        }
        try {
            var file = config.dataDir().resolve("jwt-secret");
            var secret = SecretFile.readOrCreate(file);
            if (secret.created()) {
                LOG.log(System.Logger.Level.WARNING, "JWT_SECRET is not set: generated a random one in " + file
                        + "; every instance behind one load balancer needs the same JWT_SECRET");
            }
            return secret.value().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the JWT secret: " + e.getMessage(), e);
        }
    }

    private static DirectHandlers jsonDirectHandlers() {
        var handlers = DirectHandlers.builder();
        for (var type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, ErrorResponses.directHandler());
        }
        return handlers.build();
    }

    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
                LogManager.getLogManager().readConfiguration(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ShutdownSafeLogManager.configured();
    }
}

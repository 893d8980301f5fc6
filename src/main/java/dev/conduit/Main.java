package dev.conduit;

import dev.conduit.articles.ArticleRoutes;
import dev.conduit.articles.Articles;
import dev.conduit.comments.CommentRoutes;
import dev.conduit.comments.Comments;
import dev.conduit.docs.DocsRoutes;
import dev.conduit.health.Health;
import dev.conduit.health.HealthRoutes;
import dev.conduit.platform.ShutdownSafeLogManager;
import dev.conduit.mail.Mail;
import dev.conduit.mail.MailRoutes;
import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.cache.NodeFeed;
import dev.conduit.platform.db.Backup;
import dev.conduit.platform.db.Database;
import dev.conduit.platform.db.DatabaseTarget;
import dev.conduit.platform.db.EmbeddedPostgres;
import dev.conduit.platform.db.Migrations;
import dev.conduit.platform.db.StatementListener;
import dev.conduit.platform.idempotency.IdempotencyKeys;
import dev.conduit.platform.jobs.Events;
import dev.conduit.platform.jobs.Jobs;
import dev.conduit.platform.limits.Buckets;
import dev.conduit.platform.limits.DatabaseBucketStore;
import dev.conduit.platform.limits.LocalBuckets;
import dev.conduit.platform.limits.RedisBucketStore;
import dev.conduit.platform.limits.SharedBuckets;
import dev.conduit.platform.http.Admission;
import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.ClientAddresses;
import dev.conduit.platform.http.ConnectionsPerAddress;
import dev.conduit.platform.http.Cors;
import dev.conduit.platform.http.ErrorPages;
import dev.conduit.platform.http.Idempotency;
import dev.conduit.platform.http.ErrorResponses;
import dev.conduit.platform.http.MetricsEndpoint;
import dev.conduit.platform.http.Observed;
import dev.conduit.platform.http.RateLimits;
import dev.conduit.platform.http.RouteTable;
import dev.conduit.platform.http.SecurityHeaders;
import dev.conduit.platform.http.Traced;
import dev.conduit.platform.observe.AccessLog;
import dev.conduit.platform.observe.ConsoleLog;
import dev.conduit.platform.observe.Metrics;
import dev.conduit.platform.observe.RequestRecord;
import dev.conduit.platform.observe.Tracing;
import dev.conduit.platform.security.JwtSecret;
import dev.conduit.platform.security.PasswordHasher;
import dev.conduit.platform.security.Tokens;
import dev.conduit.profiles.ProfileRoutes;
import dev.conduit.profiles.Profiles;
import dev.conduit.users.FailedLogins;
import dev.conduit.users.UserRoutes;
import dev.conduit.users.Users;
import dev.conduit.web.Assets;
import dev.conduit.web.EmailPageRoutes;
import dev.conduit.web.FormRoutes;
import dev.conduit.web.PageRoutes;
import dev.conduit.web.Sessions;
import dev.conduit.web.Site;
import dev.conduit.web.SiteRoutes;
import dev.conduit.web.Views;
import dev.conduit.web.Visitors;
import dev.conduit.webhooks.Destinations;
import dev.conduit.webhooks.WebhookRoutes;
import dev.conduit.webhooks.Webhooks;
import io.helidon.common.Size;
import io.helidon.common.mapper.MapperManager;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.service.registry.GlobalServiceRegistry;
import io.helidon.service.registry.ServiceRegistryConfig;
import io.helidon.service.registry.ServiceRegistryManager;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.logging.LogManager;
import org.flywaydb.core.api.MigrationVersion;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;

/**
 * The whole wiring, top to bottom: config, database, schema, pool, security, features, routes, server, shutdown.
 * No scanning, no injection: every object is built here with a plain constructor.
 */
public final class Main {
    /** The kernel's own cap (net.core.somaxconn) is 4,096 by default. */
    private static final int LISTEN_BACKLOG = 4096;

    /** Helidon's globals ({@link #helidonGlobals}): set up beside the rest of start-up, awaited before listening. */
    private static final CompletableFuture<Void> HELIDON_GLOBALS;

    static {
        // before the first logger exists, or JUL picks its default manager
        System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        // before any Helidon class reads it (see helidonGlobals)
        System.setProperty("io.helidon.metadata.mode", "none");
        HELIDON_GLOBALS = CompletableFuture.runAsync(Main::helidonGlobals, beside("helidon-globals"));
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());
    /** The longest a rate limit's check waits for Redis: it answers in well under a millisecond when well. */
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
    /** Articles rendered from markdown, kept for the pages: a few hundred long ones. */
    private static final long MARKDOWN_CACHE_BYTES = 16L << 20;
    /**
     * Article pages kept rendered for anonymous visitors: the bench's 3,000 (~10 KB each); 16 MB held half of them,
     * and its misses then cost more CPU than keeping none.
     */
    private static final long ARTICLE_PAGES_BYTES = 32L << 20;
    /** The list pages kept (home, tags, search, profiles): a few hundred. */
    private static final long LIST_PAGES_BYTES = 4L << 20;
    /** The web pages' static files: those the layout names, and what their stylesheets load. */
    private static final List<String> ASSETS = List.of("vendor/bootstrap/dist/css/bootstrap.min.css",
            "vendor/ionicons/css/ionicons.min.css", "fonts.css", "conduit.css", "conduit.js", "avatar.svg",
            "favicon.svg");

    // what startAll has started, stopped in reverse by stop()
    private EmbeddedPostgres embedded;
    private RedisBucketStore redis;
    private Jobs jobs;
    private Webhooks webhooks;
    private Database database;
    private NodeFeed nodes;
    private ChangeFeed changes;
    private Optional<Metrics> metrics = Optional.empty();
    /** The listener that serves the metrics, on a port of its own. */
    private WebServer management;
    /** The metrics' set-up, once the node listens: done when they are served, or off. */
    private CompletableFuture<Void> observability = CompletableFuture.completedFuture(null);
    private Optional<Tracing> tracing = Optional.empty();
    private WebServer server;
    private List<Cached<?, ?>> caches = List.of();
    private List<RouteTable> documentedRoutes = List.of();
    private Health health;
    private Duration drain = Duration.ZERO;
    /** What to do when something Conduit depends on is gone for good (the embedded PostgreSQL): exit, in main. */
    private Runnable onFatal = () -> { };

    private Main() {
    }

    public static void main(String[] args) {
        Config config;
        try {
            config = Config.fromEnvironment();
        } catch (Config.InvalidConfig e) {
            System.err.println("conduit: " + e.getMessage());
            System.exit(2);
            return;
        }
        configureLogging(config.logFormat());
        if (args.length > 0) {
            System.exit(command(config, List.of(args)));
            return;
        }
        var app = new Main();
        app.onFatal = () -> {
            LOG.log(System.Logger.Level.ERROR, "Conduit cannot serve without its database: exiting");
            System.exit(1);
        };
        // installed before anything starts: a stop during start-up waits for it, then stops what started
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "conduit-shutdown"));
        int port;
        try {
            port = app.startAll(config, StatementListener.NONE, Optional.empty());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Conduit could not start: " + e.getMessage(), e);
            System.exit(1);
            return;
        }
        // from the JVM's start (the process may have begun earlier, as ./conduit building first) to now: taken
        // first, as the management bean's first use takes a while
        Instant listening = Instant.now();
        Duration startup = Duration.between(
                Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()), listening);
        // and the CPU it took, every thread's (the JIT's and the logins' included): on a machine of few cores, what a
        // start waits for, and a steadier measure of it than the time
        long cpuMillis = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        // the port startAll returned: a stop that came during start-up has already run by now
        LOG.log(System.Logger.Level.INFO, "Conduit listening on http://" + config.host() + ":" + port
                + "/api (started in " + startup.toMillis() + " ms, " + cpuMillis + " ms of CPU)");
        try {
            await(app.observability);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Conduit could not serve its metrics: " + e.getMessage(), e);
            System.exit(1);
        }
    }

    /**
     * {@code backup FILE} (of the database Conduit uses, while it serves or not) and {@code restore FILE} (Conduit
     * stopped: every row replaced by the backup's). Returns the exit status.
     */
    static int command(Config config, List<String> args) {
        if (args.equals(List.of("database"))) {
            return serveDatabase(config);
        }
        if (args.size() != 2 || !List.of("backup", "restore").contains(args.get(0))) {
            System.err.println("usage: conduit backup FILE | conduit restore FILE | conduit database");
            return 2;
        }
        Path file = Path.of(args.get(1)).toAbsolutePath();
        try {
            Backup.Summary summary = args.get(0).equals("backup") ? backup(config, file) : restore(config, file);
            long rows = summary.rows().values().stream().mapToLong(Long::longValue).sum();
            System.out.println(args.get(0) + " " + file + ": " + rows + " rows in " + summary.rows().size()
                    + " tables, schema version " + summary.schemaVersion() + " " + summary.rows());
            return 0;
        } catch (RuntimeException e) {
            System.err.println("conduit: " + args.get(0) + " failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * {@code database}: the embedded PostgreSQL of DATA_DIR in a process of its own, which no node owns, for several
     * nodes on one machine (./conduit cluster); it runs until SIGTERM. Says where to connect on one line; the role's
     * password is in DATA_DIR's postgres-password file.
     */
    private static int serveDatabase(Config config) {
        EmbeddedPostgres embedded;
        DatabaseTarget target;
        try {
            embedded = EmbeddedPostgres.start(config.dataDir(), config.postgresOsUser(), maxConnections(config, 16));
            target = embedded.prepareApplicationRole();
        } catch (RuntimeException e) {
            System.err.println("conduit: database failed: " + e.getMessage());
            return 1;
        }
        var stopped = new CountDownLatch(1);
        embedded.superviseRestarts(stopped::countDown);
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "conduit-database-shutdown"));
        LOG.log(System.Logger.Level.INFO, "Database ready: DATABASE_URL=" + target.jdbcUrl() + " DATABASE_USER="
                + target.user().orElseThrow() + " (DATABASE_PASSWORD in "
                + config.dataDir().resolve("postgres-password") + ")");
        try {
            stopped.await(); // until SIGTERM (the hook stops PostgreSQL), or PostgreSQL could not be restarted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        embedded.close();
        return 1;
    }

    /**
     * An embedded PostgreSQL's max_connections: room for {@code nodes} nodes on it, each with its pool, a change-feed
     * listener and a background worker, plus 10 for migrations and an operator's psql sessions.
     */
    private static int maxConnections(Config config, int nodes) {
        return nodes * (config.databasePoolSize() + 2) + 10;
    }

    /** From DATABASE_URL's server, else the embedded one: a running Conduit's, or started here for the backup. */
    static Backup.Summary backup(Config config, Path file) {
        var target = config.database().or(() -> EmbeddedPostgres.running(config.dataDir()));
        if (target.isPresent()) {
            return Backup.write(target.get(), file);
        }
        if (!Files.exists(config.dataDir().resolve("postgres").resolve("PG_VERSION"))) {
            throw new IllegalArgumentException("there is no database in " + config.dataDir()
                    + " (set DATA_DIR, or DATABASE_URL)");
        }
        try (var embedded = EmbeddedPostgres.start(config.dataDir(), config.postgresOsUser(), 10)) {
            return Backup.write(embedded.prepareApplicationRole(), file);
        }
    }

    /**
     * Into DATABASE_URL's server, else the embedded one, which must not be in use (its lock says so): the schema
     * is migrated first, then every row replaced.
     */
    static Backup.Summary restore(Config config, Path file) {
        if (config.database().isPresent()) {
            return restoreInto(config.database().get(), file);
        }
        try (var embedded = EmbeddedPostgres.start(config.dataDir(), config.postgresOsUser(), 10)) {
            return restoreInto(embedded.prepareApplicationRole(), file);
        }
    }

    /**
     * The backup's rows go into the schema they were taken from: the database (empty, or at that version, not a
     * later one) is migrated to the backup's version, its rows replaced, then it is migrated to this release's
     * newest version, whose migrations carry the rows along as they would have on the original database.
     */
    private static Backup.Summary restoreInto(DatabaseTarget target, Path file) {
        var taken = MigrationVersion.fromVersion(Backup.schemaVersionOf(file));
        if (taken.compareTo(MigrationVersion.fromVersion(Migrations.newest())) > 0) {
            throw new IllegalArgumentException("the backup's schema (version " + taken + ") is newer than this "
                    + "Conduit's (version " + Migrations.newest() + "): restore it with that release or a later one");
        }
        try (var database = Database.connect(target, 1, StatementListener.NONE)) {
            var current = Migrations.appliedVersion(database.dataSource());
            if (current.isPresent() && current.get().compareTo(taken) > 0) {
                throw new IllegalArgumentException("the database's schema (version " + current.get() + ") is newer "
                        + "than the backup's (" + taken + "): restore into an empty database (a new DATA_DIR, or a "
                        + "new database for DATABASE_URL)");
            }
            Migrations.applyUpTo(target, taken.getVersion());
            var summary = Backup.restore(target, file);
            Migrations.apply(target, database.dataSource());
            return summary;
        }
    }

    /** Builds and starts everything, telling {@code statements} of every SQL statement; the caller owns stop(). */
    public static Main start(Config config, StatementListener statements) {
        return start(config, statements, Optional.empty());
    }

    /** The same, tracing through {@code tracing} (a test's SDK) if given, else as the configuration says. */
    public static Main start(Config config, StatementListener statements, Optional<Tracing> tracing) {
        var app = new Main();
        try {
            app.startAll(config, statements, tracing);
            await(app.observability);
        } catch (RuntimeException e) {
            app.stop();
            throw e;
        }
        return app;
    }

    /** Returns the port listened on. */
    private synchronized int startAll(Config config, StatementListener statements, Optional<Tracing> givenTracing) {
        // the JDK's locale data, which each new pgjdbc connection reads (a calendar's first day of the week, a number
        // format): loaded here, beside the rest, not on the path of the first logins, which each loaded it at once
        beside("locale-data").execute(() -> {
            new GregorianCalendar();
            NumberFormat.getIntegerInstance();
        });
        // 1. PostgreSQL: the server DATABASE_URL names, or our own
        DatabaseTarget target;
        if (config.database().isPresent()) {
            target = config.database().get();
        } else {
            embedded = EmbeddedPostgres.start(config.dataDir(), config.postgresOsUser(), maxConnections(config, 4));
            target = embedded.prepareApplicationRole();
            embedded.superviseRestarts(onFatal);
        }
        // 2. the pool every store draws from (it connects in the background, once something asks for a
        //    connection), each statement counted for the request that ran it
        // SLF4J (HikariCP's, Flyway's, Micrometer's logging) sets itself up on first use, and warns on stderr when
        // a call from another thread races that set-up: it is set up here, before the schema step starts beside
        LoggerFactory.getILoggerFactory();
        tracing = givenTracing.or(() -> config.tracing() ? Optional.of(Tracing.fromEnvironment()) : Optional.empty());
        // a request waits for a database connection as long as it would at the front door now (requests the caches
        // answer are counted there: when the database is what limits, those that need it would queue here long)
        var admission = Admission.gate(config.admissionLimit(), config.admissionWait(), config.admissionOverloadWait());
        // this node's name: its connections tell it with each change they make, for the other nodes to hear (V11)
        String node = NodeFeed.newNodeName();
        database = Database.connect(target, config.databasePoolSize(), config.databaseTimeouts(),
                observed(statements, tracing),
                () -> admission.overloaded() && RequestRecord.admittedBeforeAnyStatement(),
                () -> RequestRecord.current() != null, Optional.of(node));
        admission.whenShedding(database::sheddingBegan);
        // 3. the schema, on a thread of its own: the rest is built meanwhile, and the server starts listening only
        //    once the schema is current. Its connection is the first the pool makes: asked for before JDBI is set up,
        //    so that the login (SCRAM hashing, slow on a cold JVM) runs beside that set-up, not after it
        var pool = database.dataSource();
        var schema = CompletableFuture.supplyAsync(() -> {
            var outcome = Migrations.apply(target, pool);
            Migrations.useSearchLanguage(pool, config.searchLanguage()).ifPresent(n -> LOG.log(
                    System.Logger.Level.INFO, "Search language is now " + config.searchLanguage() + ": re-indexed "
                            + n + " articles"));
            return outcome;
        }, beside("schema"));
        Jdbi jdbi = database.jdbi();
        // the feed of changes between the nodes on the database: it connects meanwhile
        nodes = new NodeFeed(node, database::connectApart, jdbi, config.nodesWait());
        nodes.connect(schema);

        // 4. tokens and passwords
        byte[] jwtSecret = JwtSecret.load(config.jwtSecret(), config.dataDir().resolve("jwt-secret"));
        var clock = Clock.systemUTC();
        var previousSecret = config.jwtPreviousSecret().map(secret -> new Tokens.PreviousSecret(
                secret.getBytes(StandardCharsets.UTF_8), clock.instant().plus(config.jwtPreviousSecretGrace())));
        var tokens = new Tokens(jwtSecret, previousSecret, config.jwtTtl(), clock);
        var hasher = new PasswordHasher(config.passwordHashConcurrency());
        // every bucket is full again an hour after its last use (the longest period a limit may have); in a shared
        // store, every node counts against the same buckets
        Optional<SharedBuckets> sharedBuckets = switch (config.rateLimitStore()) {
            case LOCAL -> Optional.empty();
            // each 1,000th new bucket sweeps out those full again
            case DATABASE -> Optional.of(new SharedBuckets(new DatabaseBucketStore(jdbi, 1000), "the database"));
            case REDIS -> {
                redis = RedisBucketStore.connect(config.redisUrl().orElseThrow(), REDIS_TIMEOUT);
                yield Optional.of(new SharedBuckets(redis.buckets(), "Redis"));
            }
        };
        Buckets buckets = sharedBuckets.isPresent() ? sharedBuckets.get()
                : new LocalBuckets(100_000, Duration.ofHours(1));
        if (config.redisUrl().isPresent() && config.rateLimitStore() != Config.RateLimitStore.REDIS) {
            LOG.log(System.Logger.Level.WARNING, "REDIS_URL is set but unused: RATE_LIMIT_STORE="
                    + config.rateLimitStore().name().toLowerCase(Locale.ROOT) + " keeps the rate limits elsewhere");
        }
        var addresses = new ClientAddresses(config.trustedProxies());

        // 5. the features' logic; each write publishes what it changed on the feed, each cache hears of it there,
        //    and the other nodes on the database hear of it from its triggers (a write waits until they have)
        changes = new ChangeFeed(nodes);
        var budget = new CacheBudget((long) config.cacheMegabytes() << 20);
        // background work, queued with the writes it belongs to (each feature registers the kinds it runs), and the
        // events writes tell of in their transactions, where each listener queues the jobs it calls for
        jobs = new Jobs(jdbi, config.jobs(), tracing);
        var events = new Events();
        var users = new Users(jdbi, hasher, tokens, changes, new FailedLogins(buckets, config.loginFailuresPerEmail()),
                events);
        var sessions = new Sessions(jdbi, tokens, users::acceptsTokens, changes, clock);
        var auth = new Auth(tokens, users::acceptsTokens, sessions::isOpen);
        var rateLimits = new RateLimits(buckets, config.rateLimits(), addresses, config.rateLimitExempt(), auth);
        webhooks = new Webhooks(jdbi, jobs, new Destinations(config.webhookAllowedNetworks()), changes, clock);
        events.listen(webhooks);
        var profiles = new Profiles(jdbi, changes, events, budget);
        var articles = new Articles(jdbi, profiles, changes, events, budget);
        var comments = new Comments(jdbi, articles, profiles, changes, events, budget);
        // the JWT secrets: the current one, then the previous one while it is rotated out
        var jwtSecrets = Stream.concat(Stream.of(jwtSecret),
                config.jwtPreviousSecret().map(secret -> secret.getBytes(StandardCharsets.UTF_8)).stream()).toList();
        // email, with SMTP_URL: verification links, notices; its links are keyed with the JWT secrets
        var mail = config.email().map(email -> new Mail(jdbi, jobs, users, email.smtp(), email.from(),
                email.siteUrl(), jwtSecrets, clock, email.dailyCap()));
        mail.ifPresent(events::listen);
        // safe retries of the POSTs that create; a request's fingerprint is keyed with the JWT secrets
        var idempotency = new Idempotency(new IdempotencyKeys(jdbi, config.idempotencyKeyLifetime(), jwtSecrets));
        // the web pages: the same logic, rendered as HTML; browsers sign in with a session cookie
        var views = new Views();
        var assets = Assets.of(ASSETS);
        var site = new Site(users, profiles, articles, comments, views, assets, changes, mail.isPresent(),
                MARKDOWN_CACHE_BYTES, ARTICLE_PAGES_BYTES, LIST_PAGES_BYTES);
        // form tokens keyed with the JWT secrets too: no per-node state
        var visitors = new Visitors(sessions, profiles, views, jwtSecrets);
        var pages = new PageRoutes(site, visitors, addresses, config.siteUrl());
        var forms = new FormRoutes(pages, users, profiles, articles, comments, mail, site, visitors, rateLimits,
                addresses, config.jwtTtl());
        caches = Stream.of(users.caches(), profiles.caches(), articles.caches(), comments.caches(), webhooks.caches(),
                sessions.caches(), site.caches()).flatMap(List::stream).toList();
        // reads the change log once the schema step is done
        var joined = nodes.start(changes, caches);
        // the front door: its filters, built here so that the metrics can report on them once they are set up
        var observed = new Observed(new AccessLog(config.accessLog()), config.metrics());
        // Passed by: health probes (a busy node is still alive), and registrations and logins, which wait their
        // turn in the password hasher's own bounded queue; holding a slot meanwhile, 64 of them filled every slot,
        // and the hashes hold both cores, so a freed slot was taken up late
        var healthRoutes = new RouteTable("/health");
        var api = new RouteTable("/api");
        String probes = healthRoutes.prefix() + "/";
        Set<String> hashingPosts = Stream.concat(
                        UserRoutes.PASSWORD_HASHING_POSTS.stream().map(path -> api.prefix() + path),
                        SiteRoutes.PASSWORD_HASHING_POSTS.stream())
                .collect(Collectors.toUnmodifiableSet());
        var admitted = new Admission(admission, req -> req.path().rawPath().startsWith(probes)
                || req.prologue().method() == Method.POST && hashingPosts.contains(req.path().rawPath()));
        // what the metrics report on, once the node listens (observe)
        Consumer<Metrics> reportOn = m -> {
            m.gauge("http.server.requests.active", "Requests being handled", Tags.empty(), observed::inFlight);
            admitted.reportTo(m);
            database.reportTo(m.registry());
            m.shed("database", database::refused);
            caches.forEach(cache -> m.cache(cache.name(), cache::stats, cache::estimatedSize));
            m.gauge("conduit.password.hashes.running", "Password hashes computing now", Tags.empty(), hasher::running);
            m.gauge("conduit.password.hashes.waiting", "Requests waiting for their turn to hash a password",
                    Tags.empty(), hasher::waiting);
            m.counter("conduit.password.hashes", "Argon2id computations: passwords hashed and verified",
                    Tags.empty(), hasher::computed);
            m.gauge("conduit.nodes.others", "Other nodes listening for changes on this database", Tags.empty(),
                    nodes::otherNodes);
            m.gauge("conduit.nodes.listening", "1 while this node reads the changes others write", Tags.empty(),
                    () -> nodes.listening() ? 1 : 0);
            m.counter("conduit.nodes.changes.heard", "Changes other writers made, heard from the database",
                    Tags.empty(), nodes::heard);
            sharedBuckets.ifPresent(b -> m.counter("conduit.ratelimit.unanswered",
                    "Requests the rate limits let through because their store did not answer (RATE_LIMIT_STORE)",
                    Tags.empty(), b::failures));
            for (String kind : jobs.kinds()) {
                for (String state : List.of("queued", "running", "dead")) {
                    m.gauge("conduit.jobs", "Background jobs waiting (queued), being run, or given up on (dead), on"
                            + " all nodes", Tags.of("kind", kind, "state", state), () -> jobs.count(kind, state));
                }
            }
            String attempts = "Job attempts this node ran, by result (retry: failed, to be tried again; dead: failed"
                    + " for the last time)";
            m.counter("conduit.jobs.attempts", attempts, Tags.of("result", "done"), jobs::done);
            m.counter("conduit.jobs.attempts", attempts, Tags.of("result", "retry"), jobs::retried);
            m.counter("conduit.jobs.attempts", attempts, Tags.of("result", "dead"), jobs::died);
            m.counter("conduit.nodes.ack.timeouts", "Writes whose wait for the other nodes ran out (NODES_WAIT_MS)",
                    Tags.empty(), nodes::ackTimeouts);
            observed.reportTo(m);
        };
        // the server listens only once the schema step is done, so a probe never waits on it
        health = new Health(jdbi, () -> schema.join().version());
        drain = config.shutdownDrain();

        // 6. routes and the server
        var docs = new DocsRoutes();
        var docsRoutes = new RouteTable("");
        // the API's and the operators' routes, which the API document describes; the site's pages are not in it
        documentedRoutes = List.of(api, healthRoutes, docsRoutes);
        var siteRoutes = new RouteTable("");
        var builder = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .featuresDiscoverServices(false)
                .shutdownGracePeriod(config.shutdownGrace())
                .maxPayloadSize(config.maxRequestBytes())
                // without it, an answer written in two parts waits for the client's delayed ACK (40 ms)
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                // beyond this many requests at once, 503 at once: unbounded queues of requests in flight filled
                // an 80 MB heap under an open-model overload and killed the listener thread
                .maxConcurrentRequests(config.maxConcurrentRequests())
                .maxTcpConnections(config.maxConnections())
                // a burst of new connections (an open-model client opens one per request once all of its are busy)
                // overflowed Helidon's 1,024 and the kernel dropped the SYNs: clients retried a second later
                .backlog(LISTEN_BACKLOG)
                // blocking sockets: an idle connection then holds one 8 KB buffer, not NIO's two (measured 13 KB
                // per idle connection against 28 KB, at the same throughput)
                .useNio(false)
                // also makes Helidon read a connection's first bytes before taking it up (see the class)
                .addConnectionSelector(new ConnectionsPerAddress(config.maxConnectionsPerAddress(), addresses))
                .directHandlers(directHandlers(pages))
                .routing(routing -> {
                    ErrorResponses.register(routing, pages);
                    routing.addFilter(observed);
                    routing.addFilter(new SecurityHeaders());
                    tracing.ifPresent(t -> routing.addFilter(new Traced(t)));
                    routing.addFilter(new Cors(config.corsAllowedOrigins(), api));
                    // while draining, each answer closes its connection: the client's next request opens a new
                    // one, which a balancer that has seen readiness fail sends to another node
                    routing.addFilter((chain, req, res) -> {
                        if (health.draining()) {
                            res.header(HeaderValues.CONNECTION_CLOSE);
                        }
                        chain.proceed();
                    });
                    // limits before admission: a refused request takes no admission slot
                    routing.addFilter(rateLimits);
                    routing.addFilter(admitted);
                    api.register(routing,
                            new UserRoutes(users, auth, rateLimits, idempotency),
                            new ProfileRoutes(profiles, auth),
                            new ArticleRoutes(articles, auth, idempotency),
                            new CommentRoutes(comments, auth, idempotency),
                            new WebhookRoutes(webhooks, auth),
                            new MailRoutes(mail, auth),
                            docs.api());
                    healthRoutes.register(routing, new HealthRoutes(health));
                    docsRoutes.register(routing, docs.page());
                    siteRoutes.register(routing,
                            new SiteRoutes(pages, forms, new EmailPageRoutes(pages, site, mail)));
                    routing.any(ErrorResponses::notFound);
                });
        server = builder.build();
        await(schema);
        HELIDON_GLOBALS.join();
        // the other nodes know of this one before it serves: from now on they wait for it to hear their writes
        joined.join();
        server.start();
        database.fill();
        jobs.start();
        // the site's files are read now, beside the first requests, not before the node listens: the API never
        // needs them, and a page asked meanwhile waits for them
        beside("assets").execute(assets::prepare);
        // Helidon logs a listener that could not bind (a port in use) and stops, without throwing
        if (!server.isRunning()) {
            throw new IllegalStateException("the server could not listen on " + config.host() + ":" + config.port()
                    + " (see the error above)");
        }
        // the metrics' classes, JVM meters and listener took ~70 ms of CPU before the node listened, on a start that
        // keeps both cores busy: they come just after, and count the requests answered meanwhile
        if (config.metrics()) {
            observability = CompletableFuture.runAsync(() -> observe(config, reportOn), beside("metrics-setup"));
        }
        return server.port();
    }

    public int port() {
        return server.port();
    }

    /**
     * Every route of the public port but the web site's pages, as their tables list them (for the test that compares
     * them with the API document).
     */
    public List<RouteTable.Route> routes() {
        return documentedRoutes.stream().flatMap(table -> table.routes().stream()).toList();
    }

    /** The management listener's port (metrics), once it listens; -1 when metrics are off. */
    public int managementPort() {
        await(observability);
        return management == null ? -1 : management.port();
    }

    /** This node's name among those on its database (for tests). */
    public String node() {
        return nodes.node();
    }

    /** The feed every change reaches the caches through (for tests). */
    public ChangeFeed changes() {
        return changes;
    }

    /** Every in-process cache (for tests). */
    public List<Cached<?, ?>> caches() {
        return caches;
    }

    /**
     * Drains first (SHUTDOWN_DRAIN_SECONDS: readiness DOWN while the server goes on serving, so that a balancer
     * stops sending requests before the port closes), then stops accepting, lets in-flight requests finish (up to
     * the grace period), closes the pool and stops the embedded database. Whatever has not started is skipped;
     * calling it twice is harmless.
     */
    public synchronized void stop() {
        LOG.log(System.Logger.Level.INFO, "Conduit stopping");
        if (server != null && server.isRunning() && !drain.isZero()) {
            LOG.log(System.Logger.Level.INFO, "Draining for " + drain.toSeconds()
                    + " s: readiness DOWN, still serving, connections closed after their next answer");
            health.drain();
            try {
                Thread.sleep(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (server != null) {
            server.stop();
            server = null;
        }
        try {
            observability.join();
        } catch (CompletionException e) {
            // reported where it was awaited; what it set up is stopped below
        }
        if (management != null) {
            management.stop();
            management = null;
        }
        if (nodes != null) {
            nodes.close();
            nodes = null;
        }
        if (jobs != null) {
            jobs.close();
            jobs = null;
        }
        if (webhooks != null) {
            try {
                webhooks.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Closing the webhooks' HTTP client failed", e);
            }
            webhooks = null;
        }
        if (redis != null) {
            redis.close();
            redis = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
        metrics.ifPresent(Metrics::close);
        metrics = Optional.empty();
        // not a method reference: that would load OpenTelemetry's classes at every stop, traced or not
        if (tracing.isPresent()) {
            tracing.get().close();
            tracing = Optional.empty();
        }
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
        LOG.log(System.Logger.Level.INFO, "Conduit stopped");
    }

    /**
     * Counts each statement for the request that ran it, traces it when tracing is on, and tells
     * {@code statements} of it.
     */
    private static StatementListener observed(StatementListener statements, Optional<Tracing> tracing) {
        Tracing traced = tracing.orElse(null);
        return new StatementListener() {
            @Override
            public void executed(String sql) {
                RequestRecord.statementRan();
                statements.executed(sql);
            }

            @Override
            public void executed(String sql, Instant sent, Instant answered, Throwable failure) {
                if (traced != null) {
                    traced.statement(sql, sent, answered, failure);
                }
                StatementListener.super.executed(sql, sent, answered, failure);
            }
        };
    }

    /**
     * The metrics, {@code reportOn} what the wiring made, served on a listener of their own (on loopback by default:
     * not for the public).
     */
    private void observe(Config config, Consumer<Metrics> reportOn) {
        var build = Build.current();
        var m = new Metrics(build.version(), build.commit());
        metrics = Optional.of(m);
        reportOn.accept(m);
        management = WebServer.builder()
                .host(config.managementHost())
                .port(config.managementPort())
                .shutdownHook(false)
                .featuresDiscoverServices(false)
                .routing(routing -> MetricsEndpoint.register(routing, m))
                .build()
                .start();
        if (!management.isRunning()) {
            throw new IllegalStateException("the metrics could not listen on " + config.managementHost() + ":"
                    + config.managementPort() + " (see the error above)");
        }
    }

    /**
     * A thread for a step of start-up run beside the rest: a platform thread, as these steps load many classes. A
     * virtual thread that loads classes may be unmounted while it holds a jar's lock, and when the threads waiting
     * for that lock are virtual threads pinned by class loading and hold every carrier, no thread goes on (seen at a
     * start on 2 cores: the metrics' set-up against the two job workers).
     */
    private static Executor beside(String name) {
        return task -> Thread.ofPlatform().daemon().name(name).start(task);
    }

    /** Waits for a step of start-up run beside it; its failure is start-up's failure, as if it had run here. */
    private static <T> T await(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static DirectHandlers directHandlers(ErrorPages pages) {
        var handlers = DirectHandlers.builder();
        for (var type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, ErrorResponses.directHandler(pages));
        }
        return handlers.build();
    }

    /**
     * Helidon's globals, wired by hand like the rest. Until a global MapperManager is set, Helidon 4.4 looks one up
     * in its service registry on every use (each query parameter read, some header reads) and builds a new one: a
     * sixth of a list request's CPU in a profile. Setting one starts that registry, whose discovery (service
     * descriptors and metadata read from every jar) took a third of start-up's CPU; Conduit uses none of what it
     * finds, so the registry starts empty, and the metadata scan (of which the webserver reads only its list of
     * features, for a log line) is off. The mappers are Helidon's built-in ones: text to numbers, booleans, URIs...
     * Even empty, the registry's classes take ~100 ms to set up on a cold JVM, so this runs beside the rest of
     * start-up; nothing before the server's start asks Helidon for its registry. So does the first size parsed: the
     * listeners' settings parse theirs through BigDecimal, whose class set-up computes large powers of ten (~20 ms of
     * a cold JVM, on the start's path when the listeners are built).
     */
    private static void helidonGlobals() {
        Size.parse("8 KB");
        GlobalServiceRegistry.registry(() -> ServiceRegistryManager.create(ServiceRegistryConfig.builder()
                        .discoverServices(false)
                        .discoverServicesFromServiceLoader(false)
                        .build())
                .registry());
        MapperManager.global(MapperManager.builder().useBuiltIn(true).discoverServices(false).build());
    }

    /** Our levels and one console handler in {@code format}, unless a JUL configuration file is named. */
    private static void configureLogging(ConsoleLog.Format format) {
        if (System.getProperty("java.util.logging.config.file") == null) {
            try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
                LogManager.getLogManager().readConfiguration(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ConsoleLog.install(format);
        }
        ShutdownSafeLogManager.configured();
    }
}

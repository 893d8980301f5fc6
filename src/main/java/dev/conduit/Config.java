package dev.conduit;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.conduit.platform.db.Database;
import dev.conduit.platform.db.DatabaseTarget;
import dev.conduit.platform.domain.IntRange;
import dev.conduit.platform.jobs.Jobs;
import dev.conduit.platform.limits.AddressRange;
import dev.conduit.platform.limits.ClientLimits;
import dev.conduit.platform.limits.RateLimit;
import dev.conduit.platform.observe.ConsoleLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Everything Conduit can be told at start, read once from environment variables and validated here: a bad
 * value stops the start with a message naming the variable (see {@link InvalidConfig}).
 *
 * @param database the external PostgreSQL server ({@code DATABASE_URL}); empty: start an embedded one
 * @param jwtPreviousSecret the secret being rotated out ({@code JWT_PREVIOUS_SECRET}): its tokens are accepted
 *     for {@code jwtPreviousSecretGrace} after the start
 * @param idempotencyKeyLifetime how long a request's Idempotency-Key and answer are kept for its retries
 * @param nodesWait how long a write waits for the other nodes on its database to drop what it changed
 * @param rateLimitStore where the rate limiter keeps its buckets ({@code RATE_LIMIT_STORE}): by default in Redis
 *     when {@code REDIS_URL} names one, else in the database when it is one that other nodes may share
 *     ({@code DATABASE_URL}), else in this process
 * @param redisUrl the Redis server of the rate limiter's buckets ({@code REDIS_URL})
 */
public record Config(
        String host,
        int port,
        Path dataDir,
        Optional<DatabaseTarget> database,
        int databasePoolSize,
        Database.Timeouts databaseTimeouts,
        Optional<String> jwtSecret,
        Duration jwtTtl,
        Optional<String> jwtPreviousSecret,
        Duration jwtPreviousSecretGrace,
        int passwordHashConcurrency,
        Duration idempotencyKeyLifetime,
        int maxRequestBytes,
        Duration shutdownGrace,
        Duration shutdownDrain,
        String postgresOsUser,
        Set<String> corsAllowedOrigins,
        Optional<String> siteUrl,
        String searchLanguage,
        int cacheMegabytes,
        int maxConcurrentRequests,
        int maxConnections,
        int admissionLimit,
        Duration admissionWait,
        Duration admissionOverloadWait,
        int maxConnectionsPerAddress,
        List<AddressRange> trustedProxies,
        List<AddressRange> rateLimitExempt,
        ClientLimits rateLimits,
        RateLimit loginFailuresPerEmail,
        RateLimitStore rateLimitStore,
        Optional<String> redisUrl,
        Jobs.Settings jobs,
        List<AddressRange> webhookAllowedNetworks,
        Optional<Email> email,
        ConsoleLog.Format logFormat,
        boolean accessLog,
        boolean metrics,
        String managementHost,
        int managementPort,
        boolean tracing,
        Duration nodesWait) {
    /** Email's server and settings (see dev.conduit.mail.Mail). */
    public record Email(URI smtp, String from, URI siteUrl, int dailyCap) {
        @Override
        public String toString() {
            return "Email[smtp=" + smtp.getScheme() + "://" + smtp.getHost() + ", from=" + from + "]";
        }
    }


    /** Where the rate limiter's token buckets live. */
    public enum RateLimitStore {
        /** In this process: each node counts on its own (N nodes behind a balancer allow N times each limit). */
        LOCAL,
        /** In the database: every node on it counts against the same buckets. */
        DATABASE,
        /** In Redis ({@code REDIS_URL}): shared as in the database, which then does none of the limits' work. */
        REDIS
    }

    /** Files the process keeps for itself beside its connections: its jars, the database pool, logs, epoll. */
    private static final int SPARE_FILES = 512;
    /** Fewer than this many connections by default is a machine set up wrong, not a choice. */
    private static final int MIN_CONNECTIONS = 64;

    /** A configuration value that cannot be used; the message names the variable. */
    public static final class InvalidConfig extends RuntimeException {
        public InvalidConfig(String message) {
            super(message);
        }
    }

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        int cores = Runtime.getRuntime().availableProcessors();
        var reader = new Reader(env);
        int hashConcurrency = reader.integer("PASSWORD_HASH_CONCURRENCY", cores, new IntRange(1, 256));
        long heapMegabytes = Runtime.getRuntime().maxMemory() >> 20;
        int cacheMegabytes = reader.integer("CACHE_MB", defaultCacheMegabytes(heapMegabytes, hashConcurrency),
                new IntRange(1, 1_000_000));
        int maxConnections = reader.integer("MAX_CONNECTIONS", () -> defaultMaxConnections(
                heapMegabytes, cacheMegabytes, openFileLimit()), new IntRange(1, 10_000_000));
        int jwtTtlSeconds = reader.integer("JWT_TTL_SECONDS", 86_400, new IntRange(60, 31_536_000));
        // the longest a request waits its turn (for admission, for a database connection) while overloaded
        var overloadWait = Duration.ofMillis(reader.integer("ADMISSION_OVERLOAD_WAIT_MS", 20, new IntRange(0, 60_000)));
        var database = reader.database("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD");
        var redis = reader.redisUrl("REDIS_URL");
        var store = reader.store("RATE_LIMIT_STORE", redis.isPresent() ? RateLimitStore.REDIS
                : database.isPresent() ? RateLimitStore.DATABASE : RateLimitStore.LOCAL);
        if (store == RateLimitStore.REDIS && redis.isEmpty()) {
            throw new InvalidConfig("RATE_LIMIT_STORE=redis needs REDIS_URL (redis://host:6379)");
        }
        return new Config(
                reader.text("HOST", "0.0.0.0"),
                reader.integer("PORT", 8080, new IntRange(0, 65535)),
                Path.of(reader.text("DATA_DIR", "data")).toAbsolutePath().normalize(),
                database,
                // HikariCP's rule of thumb: more connections than the database can run at once only queue.
                reader.integer("DATABASE_POOL_SIZE", cores * 2 + 1, new IntRange(1, 1000)),
                new Database.Timeouts(
                        Duration.ofMillis(reader.integer("DATABASE_WAIT_MS", 1000, new IntRange(250, 600_000))),
                        overloadWait,
                        Duration.ofSeconds(reader.integer("DATABASE_SOCKET_TIMEOUT_SECONDS", 5,
                                new IntRange(1, 3600)))),
                reader.secret("JWT_SECRET", 32),
                Duration.ofSeconds(jwtTtlSeconds),
                reader.secret("JWT_PREVIOUS_SECRET", 32),
                // by default until the last token the previous secret signed before the start has expired
                Duration.ofSeconds(reader.integer("JWT_PREVIOUS_SECRET_GRACE_SECONDS", jwtTtlSeconds,
                        new IntRange(0, 31_536_000))),
                hashConcurrency,
                // Stripe's choice: a day covers any client's retries, and a month bounds the table
                Duration.ofHours(reader.integer("IDEMPOTENCY_KEY_HOURS", 24, new IntRange(1, 720))),
                reader.integer("MAX_REQUEST_BYTES", 1_048_576, new IntRange(1024, 64 * 1_048_576)),
                Duration.ofSeconds(reader.integer("SHUTDOWN_GRACE_SECONDS", 10, new IntRange(0, 3600))),
                Duration.ofSeconds(reader.integer("SHUTDOWN_DRAIN_SECONDS", 5, new IntRange(0, 600))),
                reader.text("EMBEDDED_POSTGRES_OS_USER", "conduit-postgres"),
                Set.copyOf(List.of(reader.text("CORS_ALLOWED_ORIGINS", "*").split("\\s*,\\s*"))),
                reader.siteUrl("SITE_URL"),
                reader.name("SEARCH_LANGUAGE", "english"),
                cacheMegabytes,
                reader.integer("MAX_CONCURRENT_REQUESTS", 512, new IntRange(1, 1_000_000)),
                maxConnections,
                // more than a 64-connection client at saturation ever has in flight; and a wait long enough to ride
                // out a pause (a GC, a busy host) at half the saturation rate: with 64 and 50 ms, an open-model
                // client at 40-75 % of saturation got 503s whenever such a pause came
                reader.integer("ADMISSION_LIMIT", 128, new IntRange(1, 1_000_000)),
                Duration.ofMillis(reader.integer("ADMISSION_WAIT_MS", 250, new IntRange(0, 60_000))),
                overloadWait,
                // one address may not hold more than a quarter of the connections (nor of the open files)
                reader.integer("MAX_CONNECTIONS_PER_ADDRESS", Math.max(64, maxConnections / 4),
                        new IntRange(1, 10_000_000)),
                reader.ranges("TRUSTED_PROXIES", ""),
                reader.ranges("RATE_LIMIT_EXEMPT", "127.0.0.0/8, ::1"),
                new ClientLimits(
                        reader.rate("RATE_LIMIT_LOGIN", "60/min"),
                        reader.rate("RATE_LIMIT_REGISTRATION", "30/h"),
                        reader.rate("RATE_LIMIT_WRITES", "600/min"),
                        reader.rate("RATE_LIMIT_WRITES_PER_ACCOUNT", "300/min")),
                reader.rate("RATE_LIMIT_LOGIN_FAILURES", "10/h"),
                store,
                redis,
                new Jobs.Settings(
                        reader.integer("JOB_WORKERS", 2, new IntRange(0, 64)),
                        reader.integer("JOB_MAX_ATTEMPTS", 10, new IntRange(1, 100)),
                        // longer than any attempt takes (a webhook's: 10 s at most), or a job still running is taken again
                        Duration.ofSeconds(reader.integer("JOB_LEASE_SECONDS", 60, new IntRange(1, 3_600))),
                        Duration.ofMillis(reader.integer("JOB_FIRST_RETRY_MS", 5_000, new IntRange(10, 3_600_000))),
                        Duration.ofDays(reader.integer("JOB_RETENTION_DAYS", 7, new IntRange(1, 365)))),
                reader.ranges("WEBHOOK_ALLOWED_NETWORKS", ""),
                reader.email(),
                reader.format("LOG_FORMAT", ConsoleLog.Format.TEXT),
                reader.flag("ACCESS_LOG", true),
                reader.flag("METRICS", true),
                // loopback unless told otherwise: metrics name routes, versions and load, not for the public
                reader.text("MANAGEMENT_HOST", "127.0.0.1"),
                reader.integer("MANAGEMENT_PORT", 9464, new IntRange(0, 65535)),
                // the OTEL_* variables themselves are the SDK's to read
                tracingWanted(env),
                // a live node answers within milliseconds; one that does not answer in this long is paused or stuck
                Duration.ofMillis(reader.integer("NODES_WAIT_MS", 500, new IntRange(0, 60_000))));
    }

    /**
     * Traces are wanted when an OTLP endpoint is named ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or
     * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}), and neither {@code OTEL_SDK_DISABLED=true} nor
     * {@code OTEL_TRACES_EXPORTER=none} says otherwise.
     */
    static boolean tracingWanted(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())
                || "none".equalsIgnoreCase(env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim())) {
            return false;
        }
        return !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
                || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
    }

    /**
     * A third of the heap that password hashing leaves (each Argon2id hash holds ~8 MB while it runs), at most
     * 64 MB: the bench dataset (3,000 articles) fits well within that, and a large heap is room for connections.
     */
    private static int defaultCacheMegabytes(long heapMegabytes, int hashConcurrency) {
        return (int) Math.clamp((heapMegabytes - 8L * hashConcurrency) / 3, 8, 64);
    }

    /**
     * As many connections as the heap left beside the caches and 128 MB of working room holds, at ~16 KB each (an
     * idle one holds its socket's 8 KB read buffer and its parked virtual thread's stack), at least 1,000 of
     * those; and {@value #SPARE_FILES} fewer than the process may open files. Connections beyond wait to be
     * accepted: too many for the heap would end in an OutOfMemoryError, and an accept the file limit refuses
     * stops Helidon's listener for good.
     *
     * @param openFiles the process's open-file limit; 0 or less: none known
     */
    static int defaultMaxConnections(long heapMegabytes, int cacheMegabytes, long openFiles) {
        long byHeap = Math.max(1_000, (heapMegabytes - cacheMegabytes - 128) * 1024 / 16);
        long byFiles = openFiles > 0 ? openFiles - SPARE_FILES : Long.MAX_VALUE;
        if (byFiles < MIN_CONNECTIONS) {
            throw new InvalidConfig("MAX_CONNECTIONS is unset, and the open-file limit (" + openFiles + ") leaves "
                    + "fewer than " + MIN_CONNECTIONS + " connections beside the " + SPARE_FILES + " files Conduit "
                    + "keeps: raise the limit (ulimit -n) or set MAX_CONNECTIONS");
        }
        return (int) Math.min(Math.min(byHeap, byFiles), Integer.MAX_VALUE);
    }

    /**
     * Linux says it in /proc/self/limits ("Max open files  <soft>  <hard>  files"); elsewhere the JVM's management
     * bean, whose first use costs start-up 16 ms.
     */
    static long openFileLimit() {
        try (var lines = Files.lines(Path.of("/proc/self/limits"))) {
            var soft = lines.filter(line -> line.startsWith("Max open files"))
                    .map(line -> line.substring("Max open files".length()).trim().split("\\s+")[0])
                    .findFirst();
            if (soft.isPresent()) {
                return soft.get().equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft.get());
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // not Linux, or a format we do not know: ask the JVM
        }
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 0;
    }

    private record Reader(Map<String, String> env) {
        Optional<String> optional(String name) {
            return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
        }

        /** A secret of at least {@code minBytes} bytes (UTF-8), if set. */
        Optional<String> secret(String name, int minBytes) {
            var value = optional(name);
            if (value.isPresent() && value.get().getBytes(StandardCharsets.UTF_8).length < minBytes) {
                throw new InvalidConfig(name + " must be at least " + minBytes + " bytes (" + minBytes * 8 + " bits)");
            }
            return value;
        }

        /** An http(s) origin, as the public reaches the site ({@code https://conduit.example}), if set. */
        Optional<String> siteUrl(String name) {
            var value = optional(name).map(url -> url.replaceAll("/+$", ""));
            if (value.isPresent() && !value.get().matches("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?")) {
                throw new InvalidConfig(name + " must be an http or https origin, such as https://conduit.example");
            }
            return value;
        }

        /**
         * A name of something in the database ({@code SEARCH_LANGUAGE}'s text-search configuration): lower-case
         * letters, digits and underscores; whether the database has it, start-up checks.
         */
        String name(String name, String fallback) {
            String value = text(name, fallback);
            if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new InvalidConfig(name + " must be a lower-case name such as english or simple, got '" + value + "'");
            }
            return value;
        }

        String text(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        /** on/off (true/false, yes/no, 1/0 too). */
        boolean flag(String name, boolean fallback) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            return switch (raw.get().toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> true;
                case "off", "false", "no", "0" -> false;
                default -> throw new InvalidConfig(name + " must be on or off, got '" + raw.get() + "'");
            };
        }

        /**
         * Email, on when {@code SMTP_URL} names a server ({@code smtp://[user:password@]host[:port]}, or
         * {@code smtps://}); its links need {@code SITE_URL}, there being no request to take an origin from.
         */
        Optional<Email> email() {
            var smtp = optional("SMTP_URL");
            if (smtp.isEmpty()) {
                return Optional.empty();
            }
            URI url;
            try {
                url = new URI(smtp.get());
            } catch (URISyntaxException e) {
                url = null;
            }
            if (url == null || !Set.of("smtp", "smtps").contains(String.valueOf(url.getScheme()))
                    || url.getHost() == null) {
                throw new InvalidConfig("SMTP_URL must be smtp://[user:password@]host[:port] (or smtps:// for TLS),"
                        + " got '" + smtp.get().replaceAll("//.*@", "//...@") + "'");
            }
            var site = siteUrl("SITE_URL").orElseThrow(() -> new InvalidConfig(
                    "SMTP_URL needs SITE_URL (https://conduit.example): the links in emails lead there"));
            String host = URI.create(site).getHost();
            return Optional.of(new Email(url, text("MAIL_FROM", "Conduit <no-reply@" + host + ">"), URI.create(site),
                    integer("EMAIL_DAILY_CAP", 20, new IntRange(1, 10_000))));
        }

        /** {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://} for TLS. */
        Optional<String> redisUrl(String name) {
            var value = optional(name);
            if (value.isPresent() && !value.get().matches("rediss?://([^\\s]*@)?[A-Za-z0-9.\\-]+(:\\d{1,5})?(/\\d+)?")) {
                throw new InvalidConfig(name + " must be redis://host:port (or rediss:// for TLS), got '"
                        + value.get().replaceAll("//.*@", "//...@") + "'");
            }
            return value;
        }

        RateLimitStore store(String name, RateLimitStore fallback) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            return switch (raw.get().toLowerCase(Locale.ROOT)) {
                case "local" -> RateLimitStore.LOCAL;
                case "database" -> RateLimitStore.DATABASE;
                case "redis" -> RateLimitStore.REDIS;
                default -> throw new InvalidConfig(name + " must be local, database or redis, got '" + raw.get() + "'");
            };
        }

        ConsoleLog.Format format(String name, ConsoleLog.Format fallback) {
            Optional<String> raw = optional(name);
            try {
                return raw.map(ConsoleLog.Format::parse).orElse(fallback);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfig(name + " must be text or json, got '" + raw.get() + "'");
            }
        }

        int integer(String name, int fallback, IntRange range) {
            return integer(name, () -> fallback, range);
        }

        /** {@code fallback} is worked out only when the variable is unset. */
        int integer(String name, IntSupplier fallback, IntRange range) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback.getAsInt();
            }
            return range.parse(raw.get()).orElseThrow(
                    () -> new InvalidConfig(name + " must be " + range + ", got '" + raw.get() + "'"));
        }

        /** {@code N/s}, {@code N/min} or {@code N/h}: a token bucket of N, refilled over the period. */
        RateLimit rate(String name, String fallback) {
            String raw = text(name, fallback);
            RateLimit limit = RateLimit.parse(name, raw);
            if (limit == null) {
                throw new InvalidConfig(name + " must be N/s, N/min or N/h (N at least 1), got '" + raw + "'");
            }
            return limit;
        }

        /** Comma-separated IP addresses or CIDR ranges; empty or {@code none}: none. */
        List<AddressRange> ranges(String name, String fallback) {
            String raw = text(name, fallback);
            if (raw.equalsIgnoreCase("none")) {
                return List.of();
            }
            try {
                return Arrays.stream(raw.split(",")).map(String::strip).filter(v -> !v.isEmpty())
                        .map(AddressRange::parse).toList();
            } catch (IllegalArgumentException e) {
                throw new InvalidConfig(name + " must list IP addresses or ranges (10.0.0.0/8), comma-separated: "
                        + e.getMessage());
            }
        }

        Optional<DatabaseTarget> database(String urlName, String userName, String passwordName) {
            try {
                return optional(urlName).map(url -> DatabaseTarget.parse(url, optional(userName), optional(passwordName)));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfig(urlName + " " + e.getMessage());
            }
        }
    }
}

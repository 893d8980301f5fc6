package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.platform.db.Database;
import dev.conduit.platform.observe.ConsoleLog;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void theOpenFileLimitIsTheOneTheJvmReports() {
        long jvm = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();

        assertThat(Config.openFileLimit()).isEqualTo(jvm).isPositive();
    }

    @Test
    void defaultsNeedNoEnvironment() {
        var config = Config.from(Map.of());

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.database()).isEmpty();
        assertThat(config.dataDir()).isAbsolute();
        assertThat(config.dataDir().getFileName()).hasToString("data");
        assertThat(config.jwtTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(config.jwtPreviousSecret()).isEmpty();
        assertThat(config.jwtPreviousSecretGrace()).isEqualTo(Duration.ofDays(1));
        assertThat(config.maxRequestBytes()).isEqualTo(1_048_576);
        assertThat(config.databasePoolSize()).isEqualTo(Runtime.getRuntime().availableProcessors() * 2 + 1);
        assertThat(config.shutdownDrain()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idempotencyKeyLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(config.logFormat()).isEqualTo(ConsoleLog.Format.TEXT);
        assertThat(config.accessLog()).isTrue();
        assertThat(config.metrics()).isTrue();
        assertThat(config.managementHost()).isEqualTo("127.0.0.1");
        assertThat(config.managementPort()).isEqualTo(9464);
        assertThat(config.tracing()).isFalse();
    }

    @Test
    void theSiteUrlIsAnOriginOrNothing() {
        assertThat(Config.from(Map.of()).siteUrl()).isEmpty();
        assertThat(Config.from(Map.of("SITE_URL", "https://conduit.example/")).siteUrl())
                .hasValue("https://conduit.example");
        assertThatThrownBy(() -> Config.from(Map.of("SITE_URL", "https://conduit.example/path?x")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("SITE_URL must be an http or https origin, such as https://conduit.example");
    }

    @Test
    void theSearchLanguageIsANameEnglishUnlessSet() {
        assertThat(Config.from(Map.of()).searchLanguage()).isEqualTo("english");
        assertThat(Config.from(Map.of("SEARCH_LANGUAGE", " simple ")).searchLanguage()).isEqualTo("simple");
        assertThatThrownBy(() -> Config.from(Map.of("SEARCH_LANGUAGE", "english'; drop table articles")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessageStartingWith("SEARCH_LANGUAGE must be a lower-case name such as english or simple");
    }

    @Test
    void tracesAreWantedWhenAnOtlpEndpointIsNamedAndNothingTurnsThemOff() {
        assertThat(Config.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")).tracing()).isTrue();
        assertThat(Config.from(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")).tracing())
                .isTrue();
        assertThat(Config.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_SDK_DISABLED", "true")).tracing()).isFalse();
        assertThat(Config.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_TRACES_EXPORTER", "none")).tracing()).isFalse();
        assertThat(Config.from(Map.of("OTEL_SERVICE_NAME", "conduit-eu")).tracing()).isFalse();
    }

    @Test
    void valuesComeFromTheEnvironment() {
        var config = Config.from(Map.of("PORT", "9000", "DATABASE_URL", "postgres://u:p@db:5432/conduit",
                "DATABASE_PASSWORD", "override", "JWT_TTL_SECONDS", "3600", "DATABASE_POOL_SIZE", " 7 "));

        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.database()).hasValueSatisfying(target -> {
            assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/conduit");
            assertThat(target.user()).contains("u");
            assertThat(target.password()).contains("override");
        });
        assertThat(config.jwtTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.databasePoolSize()).isEqualTo(7);
        assertThat(Config.from(Map.of("SHUTDOWN_DRAIN_SECONDS", "0")).shutdownDrain()).isZero();
        assertThat(Config.from(Map.of("IDEMPOTENCY_KEY_HOURS", "72")).idempotencyKeyLifetime())
                .isEqualTo(Duration.ofDays(3));
        var observed = Config.from(Map.of("LOG_FORMAT", "JSON", "ACCESS_LOG", "off", "METRICS", "false",
                "MANAGEMENT_HOST", "0.0.0.0", "MANAGEMENT_PORT", "9100"));
        assertThat(observed.logFormat()).isEqualTo(ConsoleLog.Format.JSON);
        assertThat(observed.accessLog()).isFalse();
        assertThat(observed.metrics()).isFalse();
        assertThat(observed.managementHost()).isEqualTo("0.0.0.0");
        assertThat(observed.managementPort()).isEqualTo(9100);
    }

    @Test
    void aRotatedSecretIsAcceptedForTheTokenLifetimeUnlessToldOtherwise() {
        String previous = "the-secret-being-rotated-out-0123456789";
        var rotating = Config.from(Map.of("JWT_PREVIOUS_SECRET", previous, "JWT_TTL_SECONDS", "3600"));
        assertThat(rotating.jwtPreviousSecret()).contains(previous);
        assertThat(rotating.jwtPreviousSecretGrace()).isEqualTo(Duration.ofHours(1));

        assertThat(Config.from(Map.of("JWT_PREVIOUS_SECRET", previous, "JWT_PREVIOUS_SECRET_GRACE_SECONDS", "600"))
                .jwtPreviousSecretGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> Config.from(Map.of("JWT_PREVIOUS_SECRET", "too-short")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("JWT_PREVIOUS_SECRET must be at least 32 bytes (256 bits)");
        assertThatThrownBy(() -> Config.from(Map.of("JWT_PREVIOUS_SECRET_GRACE_SECONDS", "a day")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("JWT_PREVIOUS_SECRET_GRACE_SECONDS must be an integer from 0 to 31536000, got 'a day'");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> Config.from(Map.of("PORT", "eighty")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("PORT must be an integer from 0 to 65535, got 'eighty'");
        assertThatThrownBy(() -> Config.from(Map.of("DATABASE_POOL_SIZE", "0")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("DATABASE_POOL_SIZE must be an integer from 1 to 1000, got '0'");
        assertThatThrownBy(() -> Config.from(Map.of("JWT_SECRET", "too-short")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("JWT_SECRET must be at least 32 bytes (256 bits)");
        assertThatThrownBy(() -> Config.from(Map.of("SHUTDOWN_DRAIN_SECONDS", "-1")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("SHUTDOWN_DRAIN_SECONDS must be an integer from 0 to 600, got '-1'");
        assertThatThrownBy(() -> Config.from(Map.of("IDEMPOTENCY_KEY_HOURS", "0")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("IDEMPOTENCY_KEY_HOURS must be an integer from 1 to 720, got '0'");
        assertThatThrownBy(() -> Config.from(Map.of("LOG_FORMAT", "xml")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("LOG_FORMAT must be text or json, got 'xml'");
        assertThatThrownBy(() -> Config.from(Map.of("ACCESS_LOG", "maybe")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("ACCESS_LOG must be on or off, got 'maybe'");
    }

    @Test
    void overloadAndRateLimitsHaveDefaultsAndNameTheirVariableWhenBad() {
        var defaults = Config.from(Map.of("MAX_CONNECTIONS", "1000"));
        assertThat(defaults.admissionLimit()).isEqualTo(128);
        assertThat(defaults.databaseTimeouts()).isEqualTo(Database.Timeouts.DEFAULT);
        assertThat(Config.from(Map.of("DATABASE_WAIT_MS", "300", "DATABASE_SOCKET_TIMEOUT_SECONDS", "30"))
                .databaseTimeouts()).isEqualTo(new Database.Timeouts(Duration.ofMillis(300), Duration.ofMillis(20),
                        Duration.ofSeconds(30)));
        assertThatThrownBy(() -> Config.from(Map.of("DATABASE_WAIT_MS", "10")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("DATABASE_WAIT_MS must be an integer from 250 to 600000, got '10'");
        assertThat(defaults.admissionWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(defaults.admissionOverloadWait()).isEqualTo(Duration.ofMillis(20));
        assertThat(defaults.maxConnectionsPerAddress()).isEqualTo(250);
        assertThat(defaults.trustedProxies()).isEmpty();
        assertThat(defaults.rateLimitExempt()).hasSize(2);
        assertThat(defaults.rateLimits().loginPerAddress()).hasToString("60/min");
        assertThat(defaults.rateLimits().registrationPerAddress()).hasToString("30/h");
        assertThat(defaults.rateLimits().writesPerAddress()).hasToString("600/min");
        assertThat(defaults.rateLimits().writesPerAccount()).hasToString("300/min");
        assertThat(defaults.loginFailuresPerEmail()).hasToString("10/h");

        var set = Config.from(Map.of("RATE_LIMIT_EXEMPT", "none", "TRUSTED_PROXIES", "10.0.0.0/8, ::1",
                "RATE_LIMIT_LOGIN", "5 / s", "ADMISSION_WAIT_MS", "0", "MAX_CONNECTIONS_PER_ADDRESS", "3",
                "ADMISSION_OVERLOAD_WAIT_MS", "5"));
        assertThat(set.rateLimitExempt()).isEmpty();
        assertThat(set.trustedProxies()).hasSize(2);
        assertThat(set.rateLimits().loginPerAddress().requests()).isEqualTo(5);
        assertThat(set.rateLimits().loginPerAddress().period()).isEqualTo(Duration.ofSeconds(1));
        assertThat(set.admissionWait()).isZero();
        assertThat(set.admissionOverloadWait()).isEqualTo(Duration.ofMillis(5));
        assertThat(set.maxConnectionsPerAddress()).isEqualTo(3);

        assertThatThrownBy(() -> Config.from(Map.of("RATE_LIMIT_WRITES", "600/day")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("RATE_LIMIT_WRITES must be N/s, N/min or N/h (N at least 1), got '600/day'");
        assertThatThrownBy(() -> Config.from(Map.of("RATE_LIMIT_LOGIN", "0/min")))
                .isInstanceOf(Config.InvalidConfig.class).hasMessageStartingWith("RATE_LIMIT_LOGIN must be");
        assertThatThrownBy(() -> Config.from(Map.of("TRUSTED_PROXIES", "proxy.internal")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("TRUSTED_PROXIES must list IP addresses or ranges (10.0.0.0/8), comma-separated: "
                        + "not an IP address: proxy.internal");
        assertThatThrownBy(() -> Config.from(Map.of("RATE_LIMIT_EXEMPT", "10.0.0.0/33")))
                .isInstanceOf(Config.InvalidConfig.class).hasMessageEndingWith("prefix out of range: 10.0.0.0/33");
        assertThatThrownBy(() -> Config.from(Map.of("ADMISSION_LIMIT", "0")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("ADMISSION_LIMIT must be an integer from 1 to 1000000, got '0'");
    }

    @Test
    void rateLimitBucketsAreSharedInRedisOrInADatabaseOthersMayShareUnlessSetOtherwise() {
        assertThat(Config.from(Map.of()).rateLimitStore()).isEqualTo(Config.RateLimitStore.LOCAL);
        var external = Map.of("DATABASE_URL", "postgresql://db.internal/conduit");
        assertThat(Config.from(external).rateLimitStore()).isEqualTo(Config.RateLimitStore.DATABASE);
        assertThat(Config.from(Map.of("DATABASE_URL", "postgresql://db.internal/conduit", "RATE_LIMIT_STORE", "Local"))
                .rateLimitStore()).isEqualTo(Config.RateLimitStore.LOCAL);
        assertThat(Config.from(Map.of("RATE_LIMIT_STORE", "database")).rateLimitStore())
                .isEqualTo(Config.RateLimitStore.DATABASE);
        var redis = Config.from(Map.of("DATABASE_URL", "postgresql://db.internal/conduit",
                "REDIS_URL", "redis://:secret@cache.internal:6379/2"));
        assertThat(redis.rateLimitStore()).isEqualTo(Config.RateLimitStore.REDIS);
        assertThat(redis.redisUrl()).contains("redis://:secret@cache.internal:6379/2");
        assertThatThrownBy(() -> Config.from(Map.of("RATE_LIMIT_STORE", "memcached")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("RATE_LIMIT_STORE must be local, database or redis, got 'memcached'");
        assertThatThrownBy(() -> Config.from(Map.of("RATE_LIMIT_STORE", "redis")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("RATE_LIMIT_STORE=redis needs REDIS_URL (redis://host:6379)");
        assertThatThrownBy(() -> Config.from(Map.of("REDIS_URL", "http://:se@cret@cache.internal")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("REDIS_URL must be redis://host:port (or rediss:// for TLS), got 'http://...@cache.internal'");
        assertThatThrownBy(() -> Config.from(Map.of("REDIS_URL", "redis://cache.internal:port")))
                .isInstanceOf(Config.InvalidConfig.class).hasMessageStartingWith("REDIS_URL must be");
    }

    @Test
    void aDatabaseUrlThatCannotBeUsedStopsTheStartNamingIt() {
        assertThatThrownBy(() -> Config.from(Map.of("DATABASE_URL", "mysql://db/x")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("DATABASE_URL must start with jdbc:postgresql:, postgres:// or postgresql://");
        assertThatThrownBy(() -> Config.from(Map.of("DATABASE_URL", "postgres://app:p#w@db/conduit")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessageStartingWith("DATABASE_URL has no host name");
        assertThat(Config.from(Map.of("DATABASE_URL", " ")).database()).isEqualTo(Optional.empty());
    }

    @Test
    void cachesAndConnectionsAreSizedFromTheHeapUnlessSet() {
        long heapMegabytes = Runtime.getRuntime().maxMemory() >> 20;
        var config = Config.from(Map.of());

        assertThat(config.cacheMegabytes()).isBetween(8, 64);
        long files = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assertThat(config.maxConnections()).isEqualTo((int) Math.min(files - 512,
                Math.max(1_000, (heapMegabytes - config.cacheMegabytes() - 128) * 1024 / 16)));
        var set = Config.from(Map.of("CACHE_MB", "200", "MAX_CONNECTIONS", "50000"));
        assertThat(set.cacheMegabytes()).isEqualTo(200);
        assertThat(set.maxConnections()).isEqualTo(50_000);
        assertThatThrownBy(() -> Config.from(Map.of("MAX_CONNECTIONS", "-1")))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessage("MAX_CONNECTIONS must be an integer from 1 to 10000000, got '-1'");
    }

    @Test
    void theDefaultConnectionCapStaysBelowTheOpenFileLimitAndRefusesOneTooLow() {
        assertThat(Config.defaultMaxConnections(512, 64, 20_000)).isEqualTo(19_488);
        assertThat(Config.defaultMaxConnections(512, 64, 1_000_000)).isEqualTo((512 - 64 - 128) * 1024 / 16);
        assertThat(Config.defaultMaxConnections(128, 64, 1_000_000)).isEqualTo(1_000);
        assertThat(Config.defaultMaxConnections(512, 64, -1)).isEqualTo((512 - 64 - 128) * 1024 / 16);
        assertThatThrownBy(() -> Config.defaultMaxConnections(512, 64, 560))
                .isInstanceOf(Config.InvalidConfig.class)
                .hasMessageStartingWith("MAX_CONNECTIONS is unset, and the open-file limit (560) leaves fewer than 64");
    }

    @Test
    void corsOriginsAreAListThatToleratesRepeats() {
        var config = Config.from(Map.of("CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example,https://a.example"));

        assertThat(config.corsAllowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example");
    }
}

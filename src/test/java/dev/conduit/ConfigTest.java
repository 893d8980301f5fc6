package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void defaultsNeedNoEnvironment() {
        var config = Config.from(Map.of());

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.embeddedDatabase()).isTrue();
        assertThat(config.dataDir()).isAbsolute();
        assertThat(config.dataDir().getFileName()).hasToString("data");
        assertThat(config.jwtTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(config.maxRequestBytes()).isEqualTo(1_048_576);
        assertThat(config.databasePoolSize()).isEqualTo(Runtime.getRuntime().availableProcessors() * 2 + 1);
    }

    @Test
    void valuesComeFromTheEnvironment() {
        var config = Config.from(Map.of("PORT", "9000", "DATABASE_URL", "postgres://u:p@db:5432/conduit",
                "JWT_TTL_SECONDS", "3600", "DATABASE_POOL_SIZE", " 7 "));

        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.embeddedDatabase()).isFalse();
        assertThat(config.jwtTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.databasePoolSize()).isEqualTo(7);
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> Config.from(Map.of("PORT", "eighty")))
                .isInstanceOf(Config.InvalidConfig.class).hasMessageContaining("PORT");
        assertThatThrownBy(() -> Config.from(Map.of("DATABASE_POOL_SIZE", "0")))
                .isInstanceOf(Config.InvalidConfig.class).hasMessageContaining("DATABASE_POOL_SIZE");
        assertThatThrownBy(() -> Config.from(Map.of("JWT_SECRET", "too-short")))
                .isInstanceOf(Config.InvalidConfig.class).hasMessageContaining("JWT_SECRET");
    }

    @Test
    void corsOriginsAreAListThatToleratesRepeats() {
        var config = Config.from(Map.of("CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example,https://a.example"));

        assertThat(config.corsAllowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example");
    }
}

package dev.conduit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything Conduit can be told at start, read once from environment variables. A bad value stops the
 * start with a message naming the variable (see {@link InvalidConfig}).
 */
public record Config(
        String host,
        int port,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> databaseUser,
        Optional<String> databasePassword,
        int databasePoolSize,
        Optional<String> jwtSecret,
        Duration jwtTtl,
        int passwordHashConcurrency,
        int maxRequestBytes,
        Duration shutdownGrace,
        String postgresOsUser,
        Set<String> corsAllowedOrigins) {

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
        return new Config(
                reader.text("HOST", "0.0.0.0"),
                reader.integer("PORT", 8080, 0, 65535),
                Path.of(reader.text("DATA_DIR", "data")).toAbsolutePath().normalize(),
                reader.optional("DATABASE_URL"),
                reader.optional("DATABASE_USER"),
                reader.optional("DATABASE_PASSWORD"),
                // HikariCP's rule of thumb: more connections than the database can run at once only queue.
                reader.integer("DATABASE_POOL_SIZE", cores * 2 + 1, 1, 1000),
                reader.secret("JWT_SECRET", 32),
                Duration.ofSeconds(reader.integer("JWT_TTL_SECONDS", 86_400, 60, 31_536_000)),
                reader.integer("PASSWORD_HASH_CONCURRENCY", cores, 1, 256),
                reader.integer("MAX_REQUEST_BYTES", 1_048_576, 1024, 64 * 1_048_576),
                Duration.ofSeconds(reader.integer("SHUTDOWN_GRACE_SECONDS", 10, 0, 3600)),
                reader.text("EMBEDDED_POSTGRES_OS_USER", "conduit-postgres"),
                Set.copyOf(List.of(reader.text("CORS_ALLOWED_ORIGINS", "*").split("\\s*,\\s*"))));
    }

    public boolean embeddedDatabase() {
        return databaseUrl.isEmpty();
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

        String text(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(raw.get());
                if (value < min || value > max) {
                    throw new InvalidConfig(name + " must be between " + min + " and " + max + ", got " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new InvalidConfig(name + " must be an integer, got '" + raw.get() + "'");
            }
        }
    }
}

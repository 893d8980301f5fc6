package dev.conduit.platform.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** The HMAC secret tokens are signed with: the configured one, or one generated once and kept in a file. */
public final class JwtSecret {
    private static final System.Logger LOG = System.getLogger(JwtSecret.class.getName());

    private JwtSecret() {
    }

    /** {@code configured} when present, else the secret in {@code file} (created on first use, with a warning). */
    public static byte[] load(Optional<String> configured, Path file) {
        if (configured.isPresent()) {
            return configured.get().getBytes(StandardCharsets.UTF_8);
        }
        try {
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
}

package dev.conduit.platform.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** Where to connect: a JDBC URL and, unless the URL carries them, the user and password. */
public record DatabaseTarget(String jdbcUrl, Optional<String> user, Optional<String> password) {
    /**
     * Reads a {@code jdbc:postgresql:} URL, or a {@code postgres://user:password@host:port/db} URL as PaaS hosts
     * give; {@code user} and {@code password}, when present, win over the URL's.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code url}
     */
    public static DatabaseTarget parse(String url, Optional<String> user, Optional<String> password) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseTarget(url, user, password);
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("must start with jdbc:postgresql:, postgres:// or postgresql://");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("has no host name that a URL allows"
                    + " (use the jdbc:postgresql:// form for host names with '_', and percent-encode"
                    + " special characters in the password)");
        }
        // URI decodes %XX but, unlike URLDecoder, leaves '+' alone: it is a valid password character
        String[] userInfo = uri.getUserInfo() == null ? new String[0] : uri.getUserInfo().split(":", 2);
        Optional<String> urlUser = part(userInfo, 0);
        Optional<String> urlPassword = part(userInfo, 1);
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseTarget(jdbc, user.or(() -> urlUser), password.or(() -> urlPassword));
    }

    private static Optional<String> part(String[] parts, int index) {
        return index < parts.length ? Optional.of(parts[index]) : Optional.empty();
    }
}

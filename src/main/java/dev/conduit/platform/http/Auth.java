package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.observe.RequestRecord;
import dev.conduit.platform.security.OpenSessions;
import dev.conduit.platform.security.TokenVersions;
import dev.conduit.platform.security.Tokens;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * Reads {@code Authorization: Token <jwt>} or {@code Bearer <jwt>}, never a cookie (a browser's session cookie
 * cannot be used against the API from another site). A token that is present but bad is refused (401) even where
 * authentication is optional: silently treating the caller as anonymous would hide the bug. So is a valid one
 * issued before its account's password changed, or for a browser session that has been signed out.
 */
public final class Auth {
    /** The authenticated caller and the token they presented. */
    public record Caller(long userId, String token) {
    }

    private final Tokens tokens;
    private final TokenVersions versions;
    private final OpenSessions sessions;

    public Auth(Tokens tokens, TokenVersions versions, OpenSessions sessions) {
        this.tokens = tokens;
        this.versions = versions;
        this.sessions = sessions;
    }

    public Caller required(ServerRequest req) {
        return optional(req).orElseThrow(() -> new Failure.Unauthorized("token", "is missing"));
    }

    public Optional<Caller> optional(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.equalsIgnoreCase("Token") && !scheme.equalsIgnoreCase("Bearer")) {
            throw new Failure.Unauthorized("token", "must use the Token or Bearer scheme");
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (token.isEmpty()) {
            throw new Failure.Unauthorized("token", "is missing");
        }
        Tokens.Subject subject;
        try {
            subject = tokens.verify(token);
        } catch (Tokens.InvalidToken e) {
            throw new Failure.Unauthorized("token", e.getMessage());
        }
        long userId = subject.userId();
        if (!versions.accepts(userId, subject.version())) {
            throw new Failure.Unauthorized("token", "was issued before the account's password changed");
        }
        if (subject.session() != null && !sessions.isOpen(subject.session())) {
            throw new Failure.Unauthorized("token", "belongs to a session that was signed out");
        }
        // the request's log lines name its user from here on
        var record = RequestRecord.current();
        if (record != null) {
            record.userId(userId);
        }
        return Optional.of(new Caller(userId, token));
    }

    /** The caller's user id, or null for an anonymous request (SQL binds it as NULL: nothing followed/favorited). */
    public Long viewerId(ServerRequest req) {
        return optional(req).map(Caller::userId).orElse(null);
    }
}

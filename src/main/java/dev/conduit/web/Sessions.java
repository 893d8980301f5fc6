package dev.conduit.web;

import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.security.TokenVersions;
import dev.conduit.platform.security.Tokens;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Browser sessions: a signed-in browser holds, in an HttpOnly cookie, the same kind of signed token the API
 * issues, naming a session row ({@code sid}). Signing out deletes the row, so a copy of the cookie is refused
 * afterwards; a password change ends the session's token with the account's others. When each session ends is kept
 * in memory ({@code ends}), dropped when it is signed out or extended ({@link SessionChanged}): today in this process,
 * with several nodes through the change feed once it reaches them.
 */
public final class Sessions {
    /** A signed-in browser: its account and session. */
    public record SignedIn(long userId, String sessionId) {
    }

    private final Jdbi jdbi;
    private final SessionStore store = new SessionStore();
    private final Tokens tokens;
    private final TokenVersions versions;
    private final ChangeFeed feed;
    private final Clock clock;
    /** Session id → when it ends ({@link Instant#MIN}: no such session). */
    private final Cached<String, Instant> ends = Cached.counting("web.sessions", 10_000);

    public Sessions(Jdbi jdbi, Tokens tokens, TokenVersions versions, ChangeFeed feed, Clock clock) {
        this.jdbi = jdbi;
        this.tokens = tokens;
        this.versions = versions;
        this.feed = feed;
        this.clock = clock;
        feed.subscribe(SessionChanged.class, changed -> ends.invalidate(changed.sessionId()));
    }

    /**
     * Opens a session for the account {@code apiToken} was just issued to (a sign-in or a sign-up); returns the
     * token for its cookie. Sessions that have expired are swept meanwhile.
     */
    public String open(String apiToken) {
        var subject = subjectOf(apiToken);
        var id = UUID.randomUUID();
        jdbi.useHandle(h -> {
            store.deleteExpired(h);
            store.insert(h, id, subject.userId(), clock.instant().plus(tokens.ttl()));
        });
        return tokens.issue(subject.userId(), subject.version(), id.toString());
    }

    /**
     * The cookie's token for the same session, after the account's tokens moved on to {@code apiToken}'s generation;
     * the session then lasts as long as the new token.
     */
    public String renew(SignedIn session, String apiToken) {
        jdbi.useHandle(h -> store.extend(h, UUID.fromString(session.sessionId()), clock.instant().plus(tokens.ttl())));
        feed.publish(new SessionChanged(session.sessionId()));
        return tokens.issue(session.userId(), subjectOf(apiToken).version(), session.sessionId());
    }

    /** The browser's session, if its cookie's token is valid and current and its session still open. */
    public Optional<SignedIn> signedIn(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        Tokens.Subject subject;
        try {
            subject = tokens.verify(token);
        } catch (Tokens.InvalidToken e) {
            return Optional.empty();
        }
        if (subject.session() == null || !versions.accepts(subject.userId(), subject.version())
                || !isOpen(subject.session())) {
            return Optional.empty();
        }
        return Optional.of(new SignedIn(subject.userId(), subject.session()));
    }

    /** Whether session {@code sessionId} is still signed in (the API asks too, for a token that names one). */
    public boolean isOpen(String sessionId) {
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Instant end = ends.get(sessionId, s -> jdbi.withHandle(h -> store.expiresAt(h, id)).orElse(Instant.MIN));
        return clock.instant().isBefore(end);
    }

    /** Signs the session out. */
    public void close(SignedIn session) {
        jdbi.useHandle(h -> store.delete(h, UUID.fromString(session.sessionId())));
        feed.publish(new SessionChanged(session.sessionId()));
    }

    public List<Cached<?, ?>> caches() {
        return List.of(ends);
    }

    private Tokens.Subject subjectOf(String apiToken) {
        try {
            return tokens.verify(apiToken);
        } catch (Tokens.InvalidToken e) {
            throw new IllegalStateException("a token just issued did not verify: " + e.getMessage(), e);
        }
    }
}

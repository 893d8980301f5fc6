package dev.conduit.web;

import dev.conduit.profiles.Profiles;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Who is looking at a page, from their cookies: a signed-in browser (its session, and its profile for the header)
 * or an anonymous visitor; and the token their forms must carry. An anonymous visitor's forms (sign in, sign up)
 * are bound to a random value in a cookie of their own, a signed-in browser's to its session.
 */
public final class Visitors {
    /** The signed-in browser's cookie: its session's token. */
    public static final String SESSION_COOKIE = "conduit_session";
    /** An anonymous visitor's cookie: what their sign-in and sign-up forms are bound to. */
    public static final String VISITOR_COOKIE = "conduit_visitor";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One page view: the signed-in session and profile (both null: anonymous), what its forms are bound to and their
     * token (both null: it has no forms).
     */
    public record Visit(Sessions.SignedIn session, Views.Author viewer, String binding, String csrf) {
        static final Visit ANONYMOUS = new Visit(null, null, null, null);

        public boolean signedIn() {
            return session != null;
        }

        /** The signed-in account's id, or null (the logic's "anonymous"). */
        public Long userId() {
            return session == null ? null : session.userId();
        }
    }

    private final Sessions sessions;
    private final Profiles profiles;
    private final Views views;
    private final Csrf csrf;

    /** {@code jwtSecrets}: the current secret, then the previous one while it is rotated out. */
    public Visitors(Sessions sessions, Profiles profiles, Views views, List<byte[]> jwtSecrets) {
        this.sessions = sessions;
        this.profiles = profiles;
        this.views = views;
        this.csrf = new Csrf(jwtSecrets);
    }

    /** The visit of a browser that sent {@code sessionCookie} (null: none). */
    public Visit of(String sessionCookie) {
        var session = sessions.signedIn(sessionCookie);
        if (session.isEmpty()) {
            return Visit.ANONYMOUS;
        }
        // an account deleted meanwhile: its browser is anonymous now
        String binding = "session " + session.get().sessionId();
        return profiles.find(session.get().userId(), null)
                .map(profile -> new Visit(session.get(), views.author(profile), binding, csrf.token(binding)))
                .orElse(Visit.ANONYMOUS);
    }

    /** An anonymous visitor's visit, with the forms' token bound to {@code visitorCookie}. */
    public Visit anonymous(String visitorCookie) {
        String binding = "visitor " + visitorCookie;
        return new Visit(null, null, binding, csrf.token(binding));
    }

    /** Whether {@code token} is one {@code visit}'s forms may carry. */
    public boolean formAccepted(Visit visit, String token) {
        return csrf.accepts(visit.binding(), token);
    }

    /** A new anonymous visitor's cookie value. */
    public static String newVisitor() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public Sessions sessions() {
        return sessions;
    }
}

package dev.conduit.web;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** All SQL of browser sessions. */
final class SessionStore {
    void insert(Handle h, UUID id, long userId, Instant expires) {
        h.createUpdate("insert into web_sessions (id, user_id, expires_at) values (:id, :userId, :expires)")
                .bind("id", id)
                .bind("userId", userId)
                .bind("expires", expires)
                .execute();
    }

    /** When the session ends, if there is such a session. */
    Optional<Instant> expiresAt(Handle h, UUID id) {
        return h.createQuery("select expires_at from web_sessions where id = :id")
                .bind("id", id)
                .mapTo(Instant.class)
                .findOne();
    }

    void extend(Handle h, UUID id, Instant expires) {
        h.createUpdate("update web_sessions set expires_at = :expires where id = :id")
                .bind("id", id)
                .bind("expires", expires)
                .execute();
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("delete from web_sessions where id = :id").bind("id", id).execute();
    }

    /** Sessions that expired (their tokens with them) are of no more use. */
    int deleteExpired(Handle h) {
        return h.createUpdate("delete from web_sessions where expires_at <= now()").execute();
    }
}

package dev.conduit.web;

import java.time.Instant;
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

    boolean isOpen(Handle h, UUID id) {
        return h.createQuery("select exists (select 1 from web_sessions where id = :id and expires_at > now())")
                .bind("id", id)
                .mapTo(Boolean.class)
                .one();
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("delete from web_sessions where id = :id").bind("id", id).execute();
    }

    /** Sessions that expired (their tokens with them) are of no more use. */
    int deleteExpired(Handle h) {
        return h.createUpdate("delete from web_sessions where expires_at <= now()").execute();
    }
}

package dev.conduit.platform.idempotency;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * All SQL of idempotency keys. Times are the database's ({@code now()}), so that every node judges a key's age by
 * one clock. A claim is named by its key and the instant it was made ({@code created_at}): a request whose claim was
 * taken over (it ran past its lease) can then neither record its answer over the new one nor release it.
 */
final class IdempotencyStore {
    /** A key as held: its request's fingerprint, and the answer once there is one. */
    record Held(byte[] fingerprint, OffsetDateTime createdAt, Integer status, byte[] body, boolean leaseOver) {
        boolean answered() {
            return status != null;
        }
    }

    /** Deletes at most {@code limit} expired keys, oldest first, skipping rows other nodes are deleting. */
    void deleteExpired(Handle h, Duration keptFor, int limit) {
        h.createUpdate("""
                        delete from idempotency_keys where (owner_id, key) in (
                            select owner_id, key from idempotency_keys
                            where created_at < now() - :keptSeconds * interval '1 second'
                            order by created_at limit :limit for update skip locked)""")
                .bind("keptSeconds", keptFor.toSeconds())
                .bind("limit", limit)
                .execute();
    }

    /**
     * Claims the key for a request that is about to run: a new row, or one whose key has expired (as good as
     * none). Empty when the key is held: the primary key makes a racing claim wait for this one, then fail.
     */
    Optional<OffsetDateTime> claim(Handle h, long owner, String key, byte[] fingerprint, Duration keptFor) {
        return h.createQuery("""
                        insert into idempotency_keys (owner_id, key, fingerprint) values (:owner, :key, :fingerprint)
                        on conflict (owner_id, key) do update
                            set fingerprint = excluded.fingerprint, created_at = now(), status = null, body = null
                            where idempotency_keys.created_at < now() - :keptSeconds * interval '1 second'
                        returning created_at""")
                .bind("owner", owner)
                .bind("key", key)
                .bind("fingerprint", fingerprint)
                .bind("keptSeconds", keptFor.toSeconds())
                .mapTo(OffsetDateTime.class)
                .findOne();
    }

    /** The key as held now, if it is; {@code leaseOver}: claimed more than {@code lease} ago. */
    Optional<Held> find(Handle h, long owner, String key, Duration lease) {
        return h.createQuery("""
                        select fingerprint, created_at, status, body,
                               created_at < now() - :leaseSeconds * interval '1 second' as lease_over
                        from idempotency_keys where owner_id = :owner and key = :key""")
                .bind("owner", owner)
                .bind("key", key)
                .bind("leaseSeconds", lease.toSeconds())
                .map((rs, ctx) -> new Held(rs.getBytes("fingerprint"), rs.getObject("created_at", OffsetDateTime.class),
                        rs.getObject("status", Integer.class), rs.getBytes("body"),
                        rs.getBoolean("lease_over")))
                .findOne();
    }

    /** Claims a key whose request never answered, if it is still as {@link #find} saw it ({@code seen}). */
    Optional<OffsetDateTime> takeOver(Handle h, long owner, String key, OffsetDateTime seen, byte[] fingerprint) {
        return h.createQuery("""
                        update idempotency_keys set created_at = now(), fingerprint = :fingerprint
                        where owner_id = :owner and key = :key and created_at = :seen and status is null
                        returning created_at""")
                .bind("owner", owner)
                .bind("key", key)
                .bind("seen", seen)
                .bind("fingerprint", fingerprint)
                .mapTo(OffsetDateTime.class)
                .findOne();
    }

    /** Records the answer of the claim made at {@code claimedAt}; false when that claim is no longer held. */
    boolean answer(Handle h, long owner, String key, OffsetDateTime claimedAt, int status, byte[] body) {
        return h.createUpdate("""
                        update idempotency_keys set status = :status, body = :body
                        where owner_id = :owner and key = :key and created_at = :claimedAt and status is null""")
                .bind("owner", owner)
                .bind("key", key)
                .bind("claimedAt", claimedAt)
                .bind("status", status)
                .bind("body", body)
                .execute() == 1;
    }

    /** Gives the key up (its request failed), if the claim made at {@code claimedAt} still holds it. */
    void release(Handle h, long owner, String key, OffsetDateTime claimedAt) {
        h.createUpdate("""
                        delete from idempotency_keys
                        where owner_id = :owner and key = :key and created_at = :claimedAt and status is null""")
                .bind("owner", owner)
                .bind("key", key)
                .bind("claimedAt", claimedAt)
                .execute();
    }
}

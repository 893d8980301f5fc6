package dev.conduit.platform.idempotency;

import dev.conduit.platform.domain.Failure;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * Safe retries: a request sent with an idempotency key runs once, and a retry with the same key (by the same
 * owner) gets its answer again instead of running, for {@code keptFor} after the first.
 *
 * <p>A request first claims its key, in a statement of its own: a row without an answer, whose primary key
 * (owner, key) decides which of two racing requests runs (the other waits for that insert to commit, then finds
 * the row). It then runs, and records its answer on the row. A retry that finds the row gets the answer replayed;
 * while there is none yet, a {@link Failure.Conflict} (409) at once, rather than a wait that would hold a
 * connection; with a different fingerprint (method, path or body), {@link Failure.Invalid} (422). A request that
 * fails gives its key up, so that its retry runs: only successes are kept. A 4xx wrote nothing (logic refuses
 * before it writes, or its transaction rolls back), so running the retry is safe and lets a corrected request use
 * the key; a 503 or 500 is worth retrying, and keeping it would make every retry fail for the key's lifetime.
 *
 * <p>The answer is not recorded in the transaction of the write it answers: features commit their writes and
 * bring their caches up to date themselves, and the answer exists only after that; a transaction held open
 * across it would hold a connection and row locks for the whole request. The price: a process that dies between
 * a write's commit and the record of its answer leaves a claim without an answer. Retries see it as running (409)
 * until its {@link #LEASE} is over (far longer than any request runs), then one takes it over and runs again,
 * writing a second time. The likelier death, before the write commits (while waiting for a connection, a password
 * hash, a lock), is then retried exactly right.
 *
 * <p>Fingerprints are HMAC-SHA256 under a key derived from the JWT secret, not plain SHA-256: a registration's body
 * holds a password, which a fast unkeyed hash in this table (and in its backups) would open to guessing. During a
 * secret rotation, fingerprints made under the previous secret still match.
 *
 * <p>Each claim also deletes up to {@value #EXPIRED_DELETED_PER_CLAIM} expired keys, oldest first: the table holds
 * one lifetime's keys plus a backlog that every claim shrinks, and no background job is needed.
 */
public final class IdempotencyKeys {
    private static final System.Logger LOG = System.getLogger(IdempotencyKeys.class.getName());
    /** The name clients know the key by (the header that carries it), for error bodies. */
    public static final String FIELD = "Idempotency-Key";
    /** A claim this old without an answer has no request running any more: its process died. */
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final int EXPIRED_DELETED_PER_CLAIM = 2;
    /** A key given up or taken over between two statements of a claim sends it round again, this many times. */
    private static final int CLAIM_ATTEMPTS = 3;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] PURPOSE = "conduit idempotency-key fingerprints".getBytes(StandardCharsets.UTF_8);

    /** What {@link #begin} found. */
    public sealed interface Outcome permits Claim, Replay {
    }

    /** The key is this request's: run it, then tell {@link #answered} or {@link #failed}. */
    public record Claim(long owner, String key, OffsetDateTime claimedAt) implements Outcome {
    }

    /** The key's request has answered: send its answer again. */
    public record Replay(int status, byte[] body) implements Outcome {
    }

    private final Jdbi jdbi;
    private final IdempotencyStore store = new IdempotencyStore();
    private final Duration keptFor;
    /** The current secret's first. */
    private final List<SecretKeySpec> fingerprintKeys;

    /** {@code secrets}: the JWT secret, then the previous one while it is being rotated out. */
    public IdempotencyKeys(Jdbi jdbi, Duration keptFor, List<byte[]> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("fingerprints need a secret");
        }
        this.jdbi = jdbi;
        this.keptFor = keptFor;
        this.fingerprintKeys = secrets.stream()
                .map(secret -> new SecretKeySpec(hmac(new SecretKeySpec(secret, HMAC), PURPOSE), HMAC))
                .toList();
    }

    /**
     * Claims {@code key} for {@code owner}'s {@code request} ({@code POST /api/articles}, say) with {@code body}, or
     * finds the answer it got. Throws {@link Failure.Invalid} when the key came with another request, and
     * {@link Failure.Conflict} while the key's request is running.
     */
    public Outcome begin(long owner, String key, String request, byte[] body) {
        byte[] fingerprint = fingerprint(fingerprintKeys.getFirst(), request, body);
        return jdbi.withHandle(h -> {
            store.deleteExpired(h, keptFor, EXPIRED_DELETED_PER_CLAIM);
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                var claimed = store.claim(h, owner, key, fingerprint, keptFor);
                if (claimed.isPresent()) {
                    return new Claim(owner, key, claimed.get());
                }
                var held = store.find(h, owner, key, LEASE);
                if (held.isEmpty()) {
                    continue; // given up since the claim failed
                }
                if (!sameRequest(held.get().fingerprint(), fingerprint, request, body)) {
                    throw new Failure.Invalid(FIELD, "was used with another request");
                }
                if (held.get().answered()) {
                    return new Replay(held.get().status(), held.get().body());
                }
                if (!held.get().leaseOver()) {
                    throw Failure.Conflict.busy(FIELD);
                }
                var taken = store.takeOver(h, owner, key, held.get().createdAt(), fingerprint);
                if (taken.isPresent()) {
                    LOG.log(System.Logger.Level.WARNING, "A request with an idempotency key never answered within "
                            + LEASE.toSeconds() + " s (its process died?): its retry runs it again");
                    return new Claim(owner, key, taken.get());
                }
            }
            throw Failure.Conflict.busy(FIELD);
        });
    }

    /**
     * Keeps the claimed request's answer for its retries. A failure to keep it is logged, not thrown: the write is
     * done, and its answer should reach the client all the same.
     */
    public void answered(Claim claim, int status, byte[] body) {
        try {
            if (!jdbi.withHandle(h -> store.answer(h, claim.owner(), claim.key(), claim.claimedAt(), status, body))) {
                LOG.log(System.Logger.Level.WARNING, "The answer of a request with an idempotency key was not kept: "
                        + "it ran past its lease and a retry took its key over");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The answer of a request with an idempotency key was not kept; "
                    + "a retry after " + LEASE.toSeconds() + " s runs it again", e);
        }
    }

    /** The claimed request failed: its key is free again, for a retry to run. */
    public void failed(Claim claim) {
        jdbi.useHandle(h -> store.release(h, claim.owner(), claim.key(), claim.claimedAt()));
    }

    private boolean sameRequest(byte[] held, byte[] fingerprint, String request, byte[] body) {
        if (MessageDigest.isEqual(held, fingerprint)) {
            return true;
        }
        return fingerprintKeys.stream().skip(1)
                .anyMatch(previous -> MessageDigest.isEqual(held, fingerprint(previous, request, body)));
    }

    /** The request line ends at a line break, which neither a method nor a path holds; the body follows. */
    private static byte[] fingerprint(SecretKeySpec key, String request, byte[] body) {
        return hmac(key, (request + "\n").getBytes(StandardCharsets.UTF_8), body);
    }

    private static byte[] hmac(SecretKeySpec key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }
}

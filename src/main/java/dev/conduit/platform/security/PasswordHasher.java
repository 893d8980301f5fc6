package dev.conduit.platform.security;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.conduit.platform.domain.Failure;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Argon2id at one of OWASP's equivalent recommended settings: 7 MiB, 5 passes, 1 lane (OWASP lists m=19 MiB/t=2,
 * m=12/t=3, m=9/t=4 and m=7/t=5 as equally strong; the one with the least memory costs the same CPU and lets
 * two hashes fit in the young generation of a small heap, where 19 MiB ones forced a full collection each).
 * Hashes made with other parameters (older accounts) are checked with their own. At most {@code concurrency}
 * run at once: a login flood queues (and is told to retry after {@link #MAX_WAIT}) instead of exhausting memory
 * or starving the request threads of CPU.
 */
public final class PasswordHasher {
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final int concurrency;
    private final Semaphore permits;
    private final Duration maxWait;
    /**
     * Verified against when the user does not exist, so a miss costs as much as a wrong password. Hashed at the
     * first such login, not at start-up: before the JIT warms up one hash takes the better part of a second, and
     * on two cores a background hash slows the rest of start-up as much.
     */
    private final Lazy<String> decoy;

    public PasswordHasher(int concurrency) {
        this(new Semaphore(concurrency, true), MAX_WAIT);
    }

    /** Hashes while holding one of {@code permits}, waiting at most {@code maxWait} for one. */
    PasswordHasher(Semaphore permits, Duration maxWait) {
        this.concurrency = permits.availablePermits();
        this.permits = permits;
        this.maxWait = maxWait;
        this.decoy = new Lazy<>(() -> hash("decoy password, never matches a real account"));
    }

    /** A PHC string ({@code $argon2id$v=19$m=7168,t=5,p=1$salt$hash}) with a fresh 16-byte salt. */
    public String hash(String password) {
        return bounded(() -> Password.hash(password).addRandomSalt(16).with(Argon2id.FUNCTION).getResult());
    }

    public boolean matches(String password, String storedHash) {
        return bounded(() -> Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash)));
    }

    /** Spends the same work as {@link #matches} for an unknown account, and always fails. */
    public boolean matchesNothing(String password) {
        matches(password, decoy.get());
        return false;
    }

    /** Hashes running now. */
    public int running() {
        return concurrency - permits.availablePermits();
    }

    /** Callers waiting for their turn to hash (an estimate, as the JDK gives it). */
    public int waiting() {
        return permits.getQueueLength();
    }

    private <T> T bounded(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Failure.Overloaded();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure.Overloaded();
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    /** A value computed by the first caller that needs it; a failed attempt leaves the next caller to try again. */
    private static final class Lazy<T> {
        private final Supplier<T> compute;
        private volatile T value;

        Lazy(Supplier<T> compute) {
            this.compute = compute;
        }

        T get() {
            T current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        current = compute.get();
                        value = current;
                    }
                }
            }
            return current;
        }
    }

    /** Made at the first hash: making it allocates its 7 MiB of working memory (40 ms of start-up otherwise). */
    private static final class Argon2id {
        static final Argon2Function FUNCTION = Argon2Function.getInstance(7_168, 5, 1, 32, Argon2.ID);
    }
}

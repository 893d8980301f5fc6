package dev.conduit.platform.security;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.conduit.platform.domain.Failure;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
    private static final int MEMORY_KIB = 7_168;
    private static final int PASSES = 5;
    private static final int LANES = 1;
    private static final int HASH_BYTES = 32;
    private static final int SALT_BYTES = 16;

    private final int concurrency;
    private final Semaphore permits;
    private final Duration maxWait;
    private final LongAdder computed = new LongAdder();
    /**
     * Where hashes run: a platform thread each (the permits bound how many; a thread costs far less than a hash, and
     * none is left idle). On a virtual thread a hash (tens of milliseconds of CPU)
     * would hold its carrier throughout, as virtual threads are never preempted: with as many hashes as carriers,
     * no other request could run at all, and one holding a database connection would keep it that long. The OS
     * time-slices platform threads with the carriers.
     */
    private final ExecutorService hashers;
    /**
     * Verified against when the user does not exist, so a miss costs exactly what a wrong password costs: one
     * Argon2id computation of the same parameters. A random salt and random "hash" bytes in the PHC format,
     * not the hash of anything: making it costs no hash (neither at start-up nor at the first such login,
     * which would make that one login twice as slow), and no password matches it.
     */
    private final String decoy;

    public PasswordHasher(int concurrency) {
        this(new Semaphore(concurrency, true), MAX_WAIT);
    }

    /** Hashes while holding one of {@code permits}, waiting at most {@code maxWait} for one. */
    PasswordHasher(Semaphore permits, Duration maxWait) {
        this.concurrency = permits.availablePermits();
        this.permits = permits;
        this.maxWait = maxWait;
        this.hashers = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().daemon().name("password-hash-", 1).factory());
        this.decoy = "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + PASSES + ",p=" + LANES + "$"
                + randomBase64(SALT_BYTES) + "$" + randomBase64(HASH_BYTES);
    }

    /** A PHC string ({@code $argon2id$v=19$m=7168,t=5,p=1$salt$hash}) with a fresh 16-byte salt. */
    public String hash(String password) {
        return bounded(() -> Password.hash(password).addRandomSalt(SALT_BYTES).with(Argon2id.FUNCTION).getResult());
    }

    public boolean matches(String password, String storedHash) {
        return bounded(() -> Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash)));
    }

    /** Spends the same work as {@link #matches} for an unknown account, and always fails. */
    public boolean matchesNothing(String password) {
        matches(password, decoy);
        return false;
    }

    /** The hash {@link #matchesNothing} verifies against (for the test that it costs what a real one does). */
    String decoy() {
        return decoy;
    }

    /** Argon2id computations since the start (hashes and verifications alike). */
    public long computed() {
        return computed.sum();
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
            computed.increment();
            return hashers.submit(work::get).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure.Overloaded();
        } finally {
            permits.release();
        }
    }

    /** Made at the first hash: making it allocates its 7 MiB of working memory (40 ms of start-up otherwise). */
    private static final class Argon2id {
        static final Argon2Function FUNCTION = Argon2Function.getInstance(MEMORY_KIB, PASSES, LANES, HASH_BYTES,
                Argon2.ID);
    }

    private static String randomBase64(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().withoutPadding().encodeToString(random);
    }
}

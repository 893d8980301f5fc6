package dev.conduit.platform.limits;

import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Bucket4j's compare and swap in SQL, on table {@code rate_limit_buckets} (V12): a read, then a write that holds only
 * if the row is still what was read (two statements, no lock held between them; a lost race reads again, up to
 * {@value #MAX_RETRIES} times). Rows whose bucket is full again are deleted by a sweep that each
 * {@code sweepEvery}-th new row on this node starts (one at a time).
 */
public final class DatabaseBucketStore extends AbstractCompareAndSwapBasedProxyManager<String> {
    private static final System.Logger LOG = System.getLogger(DatabaseBucketStore.class.getName());
    private static final int SWEEP_BATCH = 1000;
    private static final int MAX_RETRIES = 20;

    private final Jdbi jdbi;
    private final long sweepEvery;
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    public DatabaseBucketStore(Jdbi jdbi, long sweepEvery) {
        // races lost on one bucket again and again (many nodes, one busy address) end in a failure, not a spin
        super(ClientSideConfig.getDefault().withMaxRetries(MAX_RETRIES));
        this.jdbi = jdbi;
        this.sweepEvery = sweepEvery;
    }

    /** Deletes the rows of buckets that are full again, a batch at a time; returns how many. */
    public int sweep() {
        int deleted = 0;
        int batch;
        do {
            batch = jdbi.withHandle(h -> h.createUpdate("""
                            delete from rate_limit_buckets where id in (
                                select id from rate_limit_buckets where expires_at < :now
                                limit :batch for update skip locked)""")
                    .bind("now", System.currentTimeMillis())
                    .bind("batch", SWEEP_BATCH)
                    .execute());
            deleted += batch;
        } while (batch == SWEEP_BATCH);
        return deleted;
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String id) {
        return new CompareAndSwapOperation() {
            @Override
            public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
                return jdbi.withHandle(h -> h.createQuery("select state from rate_limit_buckets where id = :id")
                        .bind("id", id)
                        .mapTo(byte[].class)
                        .findOne());
            }

            @Override
            public boolean compareAndSwap(byte[] original, byte[] updated, RemoteBucketState state,
                                          Optional<Long> timeoutNanos) {
                long now = System.currentTimeMillis();
                long full = now + TimeUnit.NANOSECONDS.toMillis(
                        state.calculateFullRefillingTime(TimeUnit.MILLISECONDS.toNanos(now))) + 1;
                if (original == null) {
                    boolean won = jdbi.withHandle(h -> h.createUpdate("""
                                    insert into rate_limit_buckets (id, state, expires_at)
                                    values (:id, :state, :full) on conflict (id) do nothing""")
                            .bind("id", id)
                            .bind("state", updated)
                            .bind("full", full)
                            .execute() == 1);
                    if (won && inserted.incrementAndGet() % sweepEvery == 0 && sweeping.compareAndSet(false, true)) {
                        Thread.ofVirtual().name("rate-limit-sweep").start(() -> {
                            try {
                                sweep();
                            } catch (RuntimeException e) {
                                LOG.log(System.Logger.Level.DEBUG, "Rate limits: the sweep of full buckets failed", e);
                            } finally {
                                sweeping.set(false);
                            }
                        });
                    }
                    return won;
                }
                return jdbi.withHandle(h -> h.createUpdate("""
                                update rate_limit_buckets set state = :state, expires_at = :full
                                where id = :id and state = :original""")
                        .bind("id", id)
                        .bind("state", updated)
                        .bind("full", full)
                        .bind("original", original)
                        .execute() == 1);
            }
        };
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String id) {
        throw new UnsupportedOperationException("blocking calls only: each request has a virtual thread");
    }

    @Override
    public boolean isAsyncModeSupported() {
        return false;
    }

    @Override
    public void removeProxy(String id) {
        throw new UnsupportedOperationException("buckets go when they are full again (sweep)");
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String id) {
        throw new UnsupportedOperationException("buckets go when they are full again (sweep)");
    }
}

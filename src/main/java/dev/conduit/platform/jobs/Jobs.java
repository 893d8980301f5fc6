package dev.conduit.platform.jobs;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.observe.Tracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Durable background work, as a transactional outbox. A write queues its job in its own transaction
 * ({@link #queue}): the job exists exactly when the change does, and survives any process's death. Every node runs
 * {@code workers} threads that take due jobs ({@code FOR UPDATE SKIP LOCKED}: two workers never take one job) and
 * run its kind's {@link Handler} outside any transaction.
 *
 * <p>Delivery is at least once: a job is done only once its attempt recorded so; a node that dies meanwhile leaves
 * it running, and once its lease is over another worker takes it again. Each job carries a {@code key}, the same
 * for all its attempts, that handlers hand on (a webhook's id header, an email's Message-ID) so receivers can drop
 * repeats. A failed attempt is retried after an exponential back-off with jitter; after {@code maxAttempts} the job
 * is dead (kept, counted, visible in the metrics). Finished jobs are deleted once {@code retention} is over.
 */
public final class Jobs implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Jobs.class.getName());
    /** An idle worker looks again this often: jobs another node queued, retries coming due. */
    private static final long IDLE_POLL_MILLIS = 500;
    /** The workers' threads' names start so. */
    public static final String WORKER_THREADS = "job-worker-";
    private static final Duration LONGEST_RETRY = Duration.ofHours(1);
    private static final int PRUNED_PER_PASS = 1000;
    private static final int ERROR_CHARS = 2000;
    private static final long COUNTS_KEPT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final long PRUNE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Runs one attempt of a job of its kind; throwing fails the attempt. */
    @FunctionalInterface
    public interface Handler {
        void run(Job job) throws Exception;
    }

    /** An attempt of a job: {@code attempt} is 1 for the first. */
    public record Job(long id, String kind, String payload, UUID key, int attempt) {
    }

    /**
     * What the workers need to know: how many per node, attempts before a job is dead, how long a taken job is a
     * worker's before another may take it, the first retry's delay (doubled each time, an hour at most), and how
     * long finished jobs are kept.
     */
    public record Settings(int workers, int maxAttempts, Duration lease, Duration firstRetry, Duration retention) {
    }

    /** The table's counts by "kind/state", and when they were read. */
    private record Counted(long at, Map<String, Long> counts) {
    }

    private final Jdbi jdbi;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private volatile String[] kinds = new String[0];
    private final Settings settings;
    private final Optional<Tracing> tracing;
    private final JobStore store = new JobStore();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final LongAdder done = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder died = new LongAdder();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Counted counted;
    private volatile boolean stopping;
    /** When this node's next pruning pass is due (System.nanoTime): one worker claims it. */
    private final AtomicLong pruneAt;

    /**
     * With {@code tracing}, a job keeps the trace context of the request that queued it, and each attempt is a span
     * of that trace.
     */
    public Jobs(Jdbi jdbi, Settings settings, Optional<Tracing> tracing) {
        this.jdbi = jdbi;
        this.settings = settings;
        this.tracing = tracing;
        this.pruneAt = new AtomicLong(System.nanoTime());
    }

    /** This node runs jobs of {@code kind} with {@code handler} (each feature registers its own, before the start). */
    public Jobs handle(String kind, Handler handler) {
        handlers.put(kind, handler);
        kinds = handlers.keySet().toArray(String[]::new);
        return this;
    }

    /**
     * Queues a job of {@code kind} in the caller's transaction {@code h}; returns its id. This node's idle workers
     * are woken once the transaction commits (the other nodes' find it at their next look).
     */
    public long queue(Handle h, String kind, String payload) {
        return queue(h, kind, payload, UUID.randomUUID());
    }

    /** The same, with the key its receivers will know it by (a delivery's id, say). */
    public long queue(Handle h, String kind, String payload, UUID key) {
        if (!handlers.containsKey(kind)) {
            throw new IllegalArgumentException("no handler for jobs of kind " + kind);
        }
        if (!h.isInTransaction()) {
            throw new IllegalStateException("a job is queued in the transaction of the change it belongs to");
        }
        // (no method reference to Tracing: linking one would load OpenTelemetry's classes with tracing off)
        long id = store.insert(h, kind, payload, key, tracing.isPresent() ? tracing.get().traceparent() : null);
        h.afterCommit(this::wake);
        return id;
    }

    private void wake() {
        lock.lock();
        try {
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public synchronized void start() {
        for (int i = 0; i < settings.workers(); i++) {
            threads.add(Thread.ofVirtual().name(WORKER_THREADS + i).start(this::work));
        }
    }

    private void work() {
        while (!stopping) {
            try {
                var taken = jdbi.withHandle(h -> store.take(h, kinds, settings.lease()));
                if (taken.isPresent()) {
                    run(taken.get());
                } else {
                    prune();
                    idle();
                }
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                // the database busy (every connection taken for longer than a request may wait) or away: the job
                // (if any) stays where it was, and is taken again; only the second is worth a warning
                if (Failure.within(e, Failure.Overloaded.class).isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, "A job worker could not reach the jobs table; trying again", e);
                }
                idle();
            }
        }
    }

    private void run(JobStore.Taken taken) {
        var job = new Job(taken.id(), taken.kind(), taken.payload(), taken.key(), taken.attempt());
        Exception failure = tracing.isPresent() ? tracedAttempt(tracing.get(), job, taken.traceparent()) : attempt(job);
        if (failure == null) {
            if (jdbi.withHandle(h -> store.done(h, job.id(), job.attempt()))) {
                done.increment();
            }
            return;
        }
        String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        String reason = error.length() > ERROR_CHARS ? error.substring(0, ERROR_CHARS) : error;
        Optional<Duration> retry = job.attempt() >= settings.maxAttempts() ? Optional.empty()
                : Optional.of(backoff(settings.firstRetry(), job.attempt()));
        if (jdbi.withHandle(h -> store.failed(h, job.id(), job.attempt(), retry, reason))) {
            if (retry.isPresent()) {
                retried.increment();
            } else {
                died.increment();
                LOG.log(System.Logger.Level.WARNING, "Job " + job.id() + " (" + job.kind() + ") is dead after "
                        + job.attempt() + " attempts: " + reason);
            }
        }
    }

    /** Runs an attempt; returns how it failed, or null. */
    private Exception attempt(Job job) {
        try {
            handlers.get(job.kind()).run(job);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** The same, as a span of the trace that queued the job ({@code traceparent}). */
    private Exception tracedAttempt(Tracing tracing, Job job, String traceparent) {
        try (var span = tracing.job(job.kind(), job.attempt(), traceparent)) {
            Exception failure = attempt(job);
            if (failure != null) {
                span.failed(failure);
            }
            return failure;
        }
    }

    /** {@code first}, twice that, four times... at most an hour, each a random 80-120 % of it (retries spread). */
    static Duration backoff(Duration first, int attempt) {
        long millis = Math.min(LONGEST_RETRY.toMillis(), first.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis((long) (millis * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    /** At most a pass a minute per node: finished jobs past their retention go. */
    private void prune() {
        long due = pruneAt.get();
        if (System.nanoTime() - due < 0 || !pruneAt.compareAndSet(due, System.nanoTime() + PRUNE_EVERY_NANOS)) {
            return;
        }
        int deleted;
        do {
            deleted = jdbi.withHandle(h -> store.prune(h, settings.retention(), PRUNED_PER_PASS));
        } while (deleted == PRUNED_PER_PASS && !stopping);
    }

    private void idle() {
        lock.lock();
        try {
            if (!stopping) {
                queued.await(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many jobs of {@code kind} are {@code state} (queued, running or dead) now, for the metrics: read from the
     * table at most once a second, however many gauges ask; NaN until it could be read.
     */
    public double count(String kind, String state) {
        var last = counted;
        if (last == null || System.nanoTime() - last.at() > COUNTS_KEPT_NANOS) {
            try {
                var counts = jdbi.withHandle(store::counts);
                last = new Counted(System.nanoTime(), counts);
                counted = last;
            } catch (RuntimeException e) {
                // the database away: the last counts stand
                if (last == null) {
                    return Double.NaN;
                }
            }
        }
        return last.counts().getOrDefault(kind + "/" + state, 0L);
    }

    /** The kinds this node runs. */
    public List<String> kinds() {
        return List.of(kinds);
    }

    public long done() {
        return done.sum();
    }

    public long retried() {
        return retried.sum();
    }

    public long died() {
        return died.sum();
    }

    /**
     * Stops taking jobs and waits up to 10 s (a webhook's whole attempt) for the attempts running to end; those still
     * running then are interrupted (their jobs stay running until their leases pass, then another worker takes them).
     */
    @Override
    public synchronized void close() {
        stopping = true;
        wake();
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            for (var thread : threads) {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    thread.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.clear();
    }
}

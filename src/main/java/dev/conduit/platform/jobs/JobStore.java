package dev.conduit.platform.jobs;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** All SQL of the jobs table (V13). */
final class JobStore {
    /** A job taken by a worker: the attempt it is on (1 for the first run). */
    record Taken(long id, String kind, String payload, UUID key, int attempt, String traceparent) {
    }

    long insert(Handle h, String kind, String payload, UUID key, String traceparent) {
        return h.createQuery("""
                        insert into jobs (kind, payload, key, traceparent)
                        values (:kind, cast(:payload as jsonb), :key, :traceparent)
                        returning id""")
                .bind("kind", kind)
                .bind("key", key)
                .bind("payload", payload)
                .bind("traceparent", traceparent)
                .mapTo(Long.class)
                .one();
    }

    /**
     * Takes the oldest due job of one of {@code kinds} (a queued one whose time came, or else a running one whose node
     * let its lease pass), skipping those other workers hold: it is this worker's for {@code lease}. Only kinds this
     * node can run: during a rolling upgrade, an older node leaves a newer kind's jobs to the newer nodes. Two
     * statements rather than one with an "or": each walks its own partial index, whatever the table's finished jobs.
     */
    Optional<Taken> take(Handle h, String[] kinds, Duration lease) {
        return take(h, kinds, lease, "state = 'queued' and run_at <= now()", "run_at")
                .or(() -> take(h, kinds, lease, "state = 'running' and lease_until < now()", "lease_until"));
    }

    private Optional<Taken> take(Handle h, String[] kinds, Duration lease, String due, String order) {
        return h.createQuery("""
                        update jobs set state = 'running', attempts = attempts + 1,
                                        lease_until = now() + cast(:lease as interval)
                        where id = (
                            select id from jobs where %s and kind = any(:kinds)
                            order by %s
                            limit 1 for update skip locked)
                        returning id, kind, payload::text, key, attempts, traceparent""".formatted(due, order))
                .bind("lease", lease.toMillis() + " milliseconds")
                .bind("kinds", kinds)
                .map((rs, ctx) -> new Taken(rs.getLong("id"), rs.getString("kind"), rs.getString("payload"),
                        rs.getObject("key", UUID.class), rs.getInt("attempts"), rs.getString("traceparent")))
                .findOne();
    }

    /** The attempt succeeded; false when the job is no longer this attempt's (its lease passed, another took it). */
    boolean done(Handle h, long id, int attempt) {
        return h.createUpdate("""
                        update jobs set state = 'done', lease_until = null, finished_at = now(), last_error = null
                        where id = :id and attempts = :attempt and state = 'running'""")
                .bind("id", id)
                .bind("attempt", attempt)
                .execute() == 1;
    }

    /** The attempt failed: queued again after {@code delay}, or dead when {@code delay} is empty. */
    boolean failed(Handle h, long id, int attempt, Optional<Duration> delay, String error) {
        return h.createUpdate("""
                        update jobs set state = case when :dead then 'dead' else 'queued' end,
                                        run_at = case when :dead then run_at
                                                      else now() + cast(:delay as interval) end,
                                        lease_until = null,
                                        finished_at = case when :dead then now() end,
                                        last_error = :error
                        where id = :id and attempts = :attempt and state = 'running'""")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("dead", delay.isEmpty())
                .bind("delay", delay.map(d -> d.toMillis() + " milliseconds").orElse("0 milliseconds"))
                .bind("error", error)
                .execute() == 1;
    }

    /** Deletes up to {@code limit} jobs that finished (done or dead) more than {@code keptFor} ago. */
    int prune(Handle h, Duration keptFor, int limit) {
        return h.createUpdate("""
                        delete from jobs where id in (
                            select id from jobs
                            where state in ('done', 'dead') and finished_at < now() - cast(:kept as interval)
                            limit :limit)""")
                .bind("kept", keptFor.toSeconds() + " seconds")
                .bind("limit", limit)
                .execute();
    }

    /**
     * How many jobs wait, run and are dead now, by "kind/state" (not the done ones: a counter counts those). A count
     * per state, each from that state's partial index: one "state in (...)" could use none of them, and read the done
     * jobs too.
     */
    Map<String, Long> counts(Handle h) {
        var counts = new HashMap<String, Long>();
        h.createQuery("""
                        select kind, 'queued', count(*) from jobs where state = 'queued' group by kind
                        union all
                        select kind, 'running', count(*) from jobs where state = 'running' group by kind
                        union all
                        select kind, 'dead', count(*) from jobs where state = 'dead' group by kind""")
                .map((rs, ctx) -> Map.entry(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3)))
                .forEach(count -> counts.put(count.getKey(), count.getValue()));
        return counts;
    }
}

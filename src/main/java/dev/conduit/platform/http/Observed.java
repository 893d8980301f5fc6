package dev.conduit.platform.http;

import dev.conduit.platform.observe.AccessLog;
import dev.conduit.platform.observe.Metrics;
import dev.conduit.platform.observe.RequestRecord;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first filter: gives the request its id and its {@link RequestRecord}, and once the answer is sent (by a
 * handler or by an error handler, which runs after the filters), counts it in the metrics and writes its access
 * line. An answer that is never sent (the client went away mid-answer) has neither.
 * <p>
 * The metrics are set up once the node listens ({@link #reportTo}): answers sent before then are kept and counted
 * then, up to {@link #EARLY_ANSWERS}.
 */
public final class Observed implements Filter {
    private static final System.Logger LOG = System.getLogger(Observed.class.getName());
    /** A few seconds of a busy node's answers; the metrics come ~100 ms after the node listens. */
    private static final int EARLY_ANSWERS = 100_000;

    private record Answer(RequestRecord request, int status, long nanos) {
    }

    private final AccessLog accessLog;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final boolean metered;
    private volatile Metrics metrics;
    /** Answers sent before the metrics were set up; null once they are, or when none will be. */
    private List<Answer> early;

    /** {@code metered}: metrics will come ({@link #reportTo}), so answers sent meanwhile are kept for them. */
    public Observed(AccessLog accessLog, boolean metered) {
        this.accessLog = accessLog;
        this.metered = metered;
        this.early = metered ? new ArrayList<>() : null;
    }

    /** From now on answers are counted in {@code metrics}, those sent so far first. */
    public void reportTo(Metrics metrics) {
        synchronized (this) {
            if (early != null) {
                early.forEach(answer -> metrics.answered(answer.request(), answer.status(), answer.nanos()));
                early = null;
            }
            this.metrics = metrics;
        }
    }

    /** Requests being handled now. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = RequestIds.assign(req, res);
        var record = RequestRecord.begin(id, req.prologue().method().text(), req.path().rawPath());
        res.whenSent(() -> answered(record, res));
        inFlight.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Runs in the send: the answer is out, so a failure here is logged, never thrown into Helidon's send. */
    private void answered(RequestRecord record, RoutingResponse res) {
        try {
            long nanos = System.nanoTime() - record.startNanos();
            int status = res.status().code();
            count(record, status, nanos);
            accessLog.log(record, status, res.bytesWritten(), nanos);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Could not record an answered request", e);
        } finally {
            RequestRecord.end(record);
        }
    }

    private void count(RequestRecord record, int status, long nanos) {
        var counted = metrics;
        if (counted == null) {
            if (!metered) {
                return;
            }
            synchronized (this) {
                counted = metrics;
                if (counted == null) {
                    if (early.size() < EARLY_ANSWERS) {
                        early.add(new Answer(record, status, nanos));
                    }
                    return;
                }
            }
        }
        counted.answered(record, status, nanos);
    }
}

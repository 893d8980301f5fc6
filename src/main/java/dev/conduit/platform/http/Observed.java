package dev.conduit.platform.http;

import dev.conduit.platform.observe.AccessLog;
import dev.conduit.platform.observe.Metrics;
import dev.conduit.platform.observe.RequestRecord;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;

/**
 * The first filter: gives the request its id and its {@link RequestRecord}, and once the answer is sent (by a
 * handler or by an error handler, which runs after the filters), counts it in the metrics and writes its access
 * line. An answer that is never sent (the client went away mid-answer) has neither.
 */
public final class Observed implements Filter {
    private static final System.Logger LOG = System.getLogger(Observed.class.getName());

    private final Metrics metrics;
    private final AccessLog accessLog;

    /** {@code metrics} empty: none kept. */
    public Observed(Optional<Metrics> metrics, AccessLog accessLog) {
        this.metrics = metrics.orElse(null);
        this.accessLog = accessLog;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = RequestIds.assign(req, res);
        var record = RequestRecord.begin(id, req.prologue().method().text(), req.path().rawPath());
        res.whenSent(() -> answered(record, res));
        if (metrics == null) {
            chain.proceed();
            return;
        }
        metrics.requestStarted();
        try {
            chain.proceed();
        } finally {
            metrics.requestEnded();
        }
    }

    /** Runs in the send: the answer is out, so a failure here is logged, never thrown into Helidon's send. */
    private void answered(RequestRecord record, RoutingResponse res) {
        try {
            long nanos = System.nanoTime() - record.startNanos();
            int status = res.status().code();
            if (metrics != null) {
                metrics.answered(record, status, nanos);
            }
            accessLog.log(record, status, res.bytesWritten(), nanos);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Could not record an answered request", e);
        } finally {
            RequestRecord.end(record);
        }
    }
}

package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.observe.Metrics;
import dev.conduit.platform.observe.RequestRecord;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import dev.conduit.platform.limits.Gate;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Admission control: a bounded number of requests is handled at once; the next ones wait their turn in a
 * {@link Gate}, then get 503 with {@code Retry-After}. How many at once adapts: as many as the server completed in
 * {@link #IN_FLIGHT} lately (Little's law: admitted requests then take about that long once the server is
 * saturated, wherever they wait inside it: for a database connection, for a core), between {@link #FLOOR} and
 * {@code limit}. A slower server (a busy database, fewer cores) admits fewer, instead of letting every admitted
 * request queue behind the others. The wait is {@code wait} (a pause is ridden out), or {@code overloadWait} while
 * more comes in than the server completes; a request it admitted ({@link RequestRecord#admitted}) then waits no
 * longer for a database connection either, and such a refusal further in keeps the shedding going as one here
 * does. Requests {@code passBy} accepts are not counted (health probes: a node busy with requests is still alive;
 * requests that wait in a bounded queue of their own).
 */
public final class Admission implements Filter {
    static final Duration IN_FLIGHT = Duration.ofMillis(25);
    static final int FLOOR = 16;

    private final Gate gate;
    private final Predicate<RoutingRequest> passBy;

    /** The queue in front of the handlers: at most {@code limit} at once, fewer when the server completes fewer. */
    public static Gate gate(int limit, Duration wait, Duration overloadWait) {
        int floor = Math.min(FLOOR, limit);
        return new Gate(limit, completedPerSecond -> (int) Math.max(floor, Math.min(limit,
                Math.round(completedPerSecond * IN_FLIGHT.toNanos() / 1e9))), wait, overloadWait);
    }

    public Admission(Gate gate, Predicate<RoutingRequest> passBy) {
        this.gate = gate;
        this.passBy = passBy;
    }

    /** The refusals, with the limit, the slots in use and the state. */
    public void reportTo(Metrics metrics) {
        metrics.shed("admission", gate::refused);
        metrics.gauge("conduit.admission.limit", "Requests handled at once, at most, now", Tags.empty(),
                gate::permits);
        metrics.gauge("conduit.admission.active", "Requests being handled now (admitted)", Tags.empty(),
                gate::inUse);
        metrics.gauge("conduit.admission.overloaded",
                "1 while requests that find every slot busy wait ADMISSION_OVERLOAD_WAIT_MS only", Tags.empty(),
                () -> gate.overloaded() ? 1 : 0);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (passBy.test(req)) {
            chain.proceed();
            return;
        }
        if (!gate.enter()) {
            throw new Failure.Overloaded();
        }
        RequestRecord.admitted();
        try {
            chain.proceed();
            // refused further in (no database connection in time), answered by the error handler: shedding goes on
            if (res.status().code() == Status.SERVICE_UNAVAILABLE_503.code()) {
                gate.refusedFurther();
            }
        } finally {
            gate.leave();
        }
    }
}

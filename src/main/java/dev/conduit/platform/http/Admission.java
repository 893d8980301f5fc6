package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.observe.Metrics;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Admission control: at most {@code limit} requests are handled at once; the next ones wait their turn (first come,
 * first served) for at most {@code wait}, then get 503 with {@code Retry-After}. Under an overload the accepted
 * requests keep their latency (the wait plus their own work) and the rest are refused early and cheaply, instead of
 * every request waiting in an ever longer queue. Requests {@code passBy} accepts are not counted (health probes: a
 * node busy with requests is still alive; requests that wait in a bounded queue of their own).
 */
public final class Admission implements Filter {
    private final Bulkhead slots;
    private final Counter shed;
    private final Predicate<RoutingRequest> passBy;

    /** {@code metrics} present: the refusals are counted there, with the slots in use. */
    public Admission(int limit, Duration wait, Optional<Metrics> metrics, Predicate<RoutingRequest> passBy) {
        this.passBy = passBy;
        slots = Bulkhead.of("requests", BulkheadConfig.custom()
                .maxConcurrentCalls(limit)
                .maxWaitDuration(wait)
                .fairCallHandlingStrategyEnabled(true)
                .build());
        shed = metrics.map(m -> Counter.builder("conduit.requests.shed")
                .description("Requests refused with 503 because every admission slot stayed busy for the wait")
                .register(m.registry())).orElse(null);
        metrics.ifPresent(m -> {
            m.gauge("conduit.admission.limit", "Requests handled at once, at most", Tags.empty(), () -> limit);
            m.gauge("conduit.admission.active", "Requests being handled now (admitted)", Tags.empty(),
                    () -> limit - slots.getMetrics().getAvailableConcurrentCalls());
        });
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (passBy.test(req)) {
            chain.proceed();
            return;
        }
        if (!slots.tryAcquirePermission()) {
            if (shed != null) {
                shed.increment();
            }
            throw new Failure.Overloaded();
        }
        try {
            chain.proceed();
        } finally {
            slots.onComplete();
        }
    }
}

package dev.conduit.platform.http;

import dev.conduit.platform.observe.RequestRecord;
import dev.conduit.platform.observe.Tracing;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * A span per request (installed only when tracing is on, after {@link Observed}): current on the request's thread
 * while its handler runs, so that its SQL statements become its children; ended once the answer is sent.
 */
public final class Traced implements Filter {
    private static final TextMapGetter<ServerRequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ServerRequestHeaders headers) {
            return headers.stream().map(header -> header.name()).toList();
        }

        @Override
        public String get(ServerRequestHeaders headers, String key) {
            if (headers == null) {
                return null;
            }
            HeaderName name = HeaderNames.create(key);
            return headers.first(name).orElse(null);
        }
    };

    private final Tracing tracing;

    public Traced(Tracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String method = req.prologue().method().text();
        Span span = tracing.serverSpan(method, req.path().rawPath(), req.headers(), HEADERS);
        var record = RequestRecord.current();
        if (record != null) {
            record.trace(span.getSpanContext().getTraceId(), span.getSpanContext().getSpanId());
        }
        res.whenSent(() -> Tracing.answered(span, method, record == null ? null : record.route(),
                res.status().code()));
        try (Scope ignored = span.makeCurrent()) {
            chain.proceed();
        }
    }
}

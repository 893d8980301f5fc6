package dev.conduit.platform.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * OpenTelemetry traces: a span per request, child of the caller's W3C {@code traceparent} when it sent one, and a
 * span per SQL statement under it; a job's attempts are spans of the trace of the request that queued it. Off unless an OTLP endpoint is configured (see Config; off, nothing of
 * OpenTelemetry even loads); on, the standard {@code OTEL_*} variables configure the SDK (endpoint, protocol,
 * headers, sampler, resource...).
 */
public final class Tracing implements AutoCloseable {
    private static final String SCOPE = "dev.conduit";

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    private Tracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    /**
     * The SDK as the {@code OTEL_*} variables (or {@code otel.*} system properties) configure it. Conduit's own
     * defaults, which they override: the service is called {@code conduit}; OTLP over HTTP (the specification's
     * default; the only sender here is the JDK's HTTP client, so gRPC is not available); no metrics or logs are
     * exported (metrics are Prometheus's, logs go to standard error).
     */
    public static Tracing fromEnvironment() {
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "conduit",
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        return new Tracing(sdk);
    }

    /** Traces through an SDK built elsewhere (a test's, with an in-memory exporter). */
    public static Tracing with(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry);
    }

    /** Starts a request's server span, the child of the context the headers carry (W3C traceparent), if any. */
    public <C> Span serverSpan(String method, String path, C headers, TextMapGetter<C> getter) {
        Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, getter);
        return tracer.spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("url.path", path)
                .startSpan();
    }

    /**
     * The current span's context as a W3C {@code traceparent}, for work done later in its name (a job); null outside
     * a trace.
     */
    public String traceparent() {
        var carrier = new HashMap<String, String>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get("traceparent");
    }

    /**
     * Starts the span of a job's attempt, the child of {@code traceparent} (the request that queued it; null: a trace
     * of its own), current on this thread until closed, so the job's statements are its children.
     */
    public Attempt job(String kind, int attempt, String traceparent) {
        Context parent = traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of("traceparent", traceparent),
                        MAP_GETTER);
        Span span = tracer.spanBuilder("job " + kind)
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("conduit.job.kind", kind)
                .setAttribute("conduit.job.attempt", attempt)
                .startSpan();
        return new Attempt(span, span.makeCurrent());
    }

    /** A job's attempt, traced: {@link #failed} when it threw, closed when it is over. */
    public static final class Attempt implements AutoCloseable {
        private final Span span;
        private final Scope scope;

        private Attempt(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        public void failed(Throwable failure) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR);
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** Ends a server span with what the answer turned out to be: its route, its status (a 5xx is an error). */
    public static void answered(Span span, String method, String route, int status) {
        if (route != null) {
            span.updateName(method + " " + route);
            span.setAttribute("http.route", route);
        }
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /**
     * Records a finished SQL statement as a span under the request's (the current one on this thread); a statement
     * outside a traced request (start-up, a readiness probe) is not recorded.
     */
    public void statement(String sql, Instant sent, Instant answered, Throwable failure) {
        if (!Span.current().getSpanContext().isValid()) {
            return;
        }
        Span span = tracer.spanBuilder(operation(sql))
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(sent)
                .setAttribute("db.system.name", "postgresql")
                .setAttribute("db.query.text", sql)
                .startSpan();
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR);
        }
        span.end(answered);
    }

    /** The statement's first word ({@code SELECT}, {@code INSERT}, {@code WITH}...): the span's name. */
    private static String operation(String sql) {
        String trimmed = sql.stripLeading();
        int end = 0;
        while (end < trimmed.length() && Character.isLetter(trimmed.charAt(end))) {
            end++;
        }
        return end == 0 ? "SQL" : trimmed.substring(0, end).toUpperCase(Locale.ROOT);
    }

    /** Exports what is still buffered, then stops the SDK (if this side built it). */
    @Override
    public void close() {
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.close();
        }
    }
}

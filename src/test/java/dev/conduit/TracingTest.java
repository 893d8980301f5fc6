package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.conduit.platform.observe.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** OpenTelemetry traces: a server span per request under the caller's traceparent, a span per SQL statement. */
class TracingTest {
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "b7ad6b7169203331";

    @Test
    void aRequestIsASpanUnderTheCallersTraceWithItsStatementsUnderIt() throws Exception {
        var exporter = InMemorySpanExporter.create();
        var sdk = sdk(exporter);
        Path dataDir = TestServer.newDataDir();
        Main app = Main.start(Config.from(TestServer.environment(dataDir)), sql -> { },
                Optional.of(Tracing.with(sdk)));
        try {
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var author = api.register("traced");
            String article = new ObjectMapper().writeValueAsString(wrap("article", "title", Api.unique("Traced"),
                    "description", "d", "body", "b", "tagList", List.of("tracing")));
            var created = api.raw("POST", "/articles", article,
                    Map.of("Authorization", "Token " + author.token(),
                            "traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01"));
            assertThat(created.status()).isEqualTo(201);
            assertThat(api.get("/tags").status()).isEqualTo(200);

            SpanData server = awaitSpan(exporter, s -> s.getKind() == SpanKind.SERVER
                    && s.getTraceId().equals(TRACE));
            assertThat(server.getName()).isEqualTo("POST /api/articles");
            assertThat(server.getParentSpanId()).isEqualTo(CALLER_SPAN);
            assertThat(server.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/api/articles");
            assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(201);

            List<SpanData> statements = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getKind() == SpanKind.CLIENT && s.getTraceId().equals(TRACE)).toList();
            assertThat(statements).as("the creation's SQL").isNotEmpty().allSatisfy(statement -> {
                assertThat(statement.getParentSpanId()).isEqualTo(server.getSpanId());
                assertThat(statement.getAttributes().get(AttributeKey.stringKey("db.system.name")))
                        .isEqualTo("postgresql");
                assertThat(statement.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isNotBlank();
                assertThat(statement.getStartEpochNanos()).isBetween(server.getStartEpochNanos(),
                        server.getEndEpochNanos());
            });
            assertThat(statements).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("db.query.text")))
                    .anySatisfy(sql -> assertThat(sql).containsIgnoringCase("insert into articles"));

            SpanData tags = awaitSpan(exporter, s -> s.getName().equals("GET /api/tags"));
            assertThat(tags.getTraceId()).as("no traceparent: a trace of its own").isNotEqualTo(TRACE);
            assertThat(tags.getParentSpanContext().isValid()).isFalse();
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    @Test
    void aJobRunsInTheTraceOfTheRequestThatQueuedIt() throws Exception {
        var exporter = InMemorySpanExporter.create();
        var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Path dataDir = TestServer.newDataDir();
        // a database of its own: the shared server's workers would take its jobs too
        Main app = Main.start(Config.from(TestServer.embeddedEnvironment(dataDir)), sql -> { },
                Optional.of(Tracing.with(sdk(exporter))));
        try {
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var author = api.register("traced_jobs");
            assertThat(api.post("/user/webhooks", wrap("webhook", "url", "http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook", "events", List.of("article.published")),
                    author.token()).status()).isEqualTo(201);
            String article = new ObjectMapper().writeValueAsString(wrap("article", "title", Api.unique("Traced"),
                    "description", "d", "body", "b", "tagList", List.of()));
            assertThat(api.raw("POST", "/articles", article, Map.of("Authorization", "Token " + author.token(),
                    "traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01")).status()).isEqualTo(201);

            SpanData server = awaitSpan(exporter, s -> s.getKind() == SpanKind.SERVER
                    && s.getTraceId().equals(TRACE));
            SpanData fanOut = awaitSpan(exporter, s -> s.getName().equals("job webhook.event"));
            SpanData delivery = awaitSpan(exporter, s -> s.getName().equals("job webhook.delivery"));
            assertThat(fanOut.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(fanOut.getTraceId()).isEqualTo(TRACE);
            assertThat(fanOut.getParentSpanId()).as("queued by the request").isEqualTo(server.getSpanId());
            assertThat(fanOut.getAttributes().get(AttributeKey.longKey("conduit.job.attempt"))).isEqualTo(1);
            assertThat(delivery.getTraceId()).isEqualTo(TRACE);
            assertThat(delivery.getParentSpanId()).as("queued by the fan-out").isEqualTo(fanOut.getSpanId());
            assertThat(exporter.getFinishedSpanItems()).as("the fan-out's SQL under its span").anySatisfy(s -> {
                assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
                assertThat(s.getParentSpanId()).isEqualTo(fanOut.getSpanId());
            });
        } finally {
            app.stop();
            receiver.stop(0);
            TestServer.deleteTree(dataDir);
        }
    }

    private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    @Test
    void theOtlpExporterSendsWhatTheStandardVariablesConfigure() throws Exception {
        var received = new CopyOnWriteArrayList<String>();
        var collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            var body = new ByteArrayOutputStream();
            exchange.getRequestBody().transferTo(body);
            received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + body.toString(StandardCharsets.ISO_8859_1));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        // the SDK reads otel.* system properties as it reads OTEL_* variables; a test cannot set the latter
        var properties = Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "otel.bsp.schedule.delay", "50");
        properties.forEach(System::setProperty);
        Path dataDir = TestServer.newDataDir();
        Main app = null;
        try {
            app = Main.start(Config.from(TestServer.environment(dataDir)), sql -> { },
                    Optional.of(Tracing.fromEnvironment()));
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            assertThat(api.get("/tags").status()).isEqualTo(200);
        } finally {
            if (app != null) {
                app.stop(); // exports what is buffered
            }
            properties.keySet().forEach(System::clearProperty);
            collector.stop(0);
            TestServer.deleteTree(dataDir);
        }
        assertThat(received).anySatisfy(request -> assertThat(request)
                .startsWith("application/x-protobuf").contains("GET /api/tags").contains("conduit"));
    }

    private static SpanData awaitSpan(InMemorySpanExporter exporter, Predicate<SpanData> wanted)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var found = exporter.getFinishedSpanItems().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such span among " + exporter.getFinishedSpanItems());
    }
}

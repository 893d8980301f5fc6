package dev.conduit.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Waits;
import dev.conduit.platform.observe.AccessLog;
import dev.conduit.platform.observe.Metrics;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The metrics come once the node listens: what was answered before is counted then, once. */
class ObservedTest {
    private static final String COUNT = "http_server_requests_seconds_count{method=\"GET\",route=\"none\",status=\"2xx\"}";

    @Test
    void answersSentBeforeTheMetricsAreSetUpAreCountedOnceTheyAre() throws Exception {
        serve(new Observed(new AccessLog(false), true), 3, (server, metrics) -> {
            assertThat(count(metrics, 3)).isEqualTo(3);
            assertThat(get(server)).isEqualTo(200);
            assertThat(count(metrics, 4)).isEqualTo(4);
        });
    }

    @Test
    void withoutMetricsNothingIsKeptForThem() throws Exception {
        serve(new Observed(new AccessLog(false), false), 1, (server, metrics) -> {
            assertThat(get(server)).isEqualTo(200);
            assertThat(count(metrics, 1)).isEqualTo(1);
        });
    }

    private interface Check {
        void check(WebServer server, Metrics metrics) throws Exception;
    }

    /** {@code before} requests answered through {@code observed}; then its metrics set up, and {@code then}. */
    private static void serve(Observed observed, int before, Check then) throws Exception {
        var server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false).featuresDiscoverServices(false)
                .routing(routing -> routing.addFilter(observed).get("/", (req, res) -> res.send("ok")))
                .build().start();
        try {
            for (int i = 0; i < before; i++) {
                assertThat(get(server)).isEqualTo(200);
            }
            settled(observed);
            var metrics = new Metrics("test", "test");
            try {
                observed.reportTo(metrics);
                then.check(server, metrics);
            } finally {
                metrics.close();
            }
        } finally {
            server.stop();
        }
    }

    /** Every request answered and counted (the count runs in the send, before the filter's end). */
    private static void settled(Observed observed) {
        Waits.upTo(Duration.ofSeconds(5)).until(observed::inFlight, inFlight -> inFlight == 0);
    }

    private static int get(WebServer server) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Once it reaches {@code atLeast} (an answer is counted just after it is sent: the client may read it first). */
    private static double count(Metrics metrics, double atLeast) {
        return Waits.upTo(Duration.ofSeconds(5)).until(() -> count(metrics), count -> count >= atLeast);
    }

    private static double count(Metrics metrics) {
        return metrics.scrape(null).body().lines().filter(line -> line.startsWith(COUNT))
                .mapToDouble(line -> Double.parseDouble(line.substring(COUNT.length()).trim())).sum();
    }
}

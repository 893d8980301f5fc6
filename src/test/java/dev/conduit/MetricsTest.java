package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metrics on the management port, scraped over HTTP and read by the Prometheus Python client's parser (Debian's
 * python3-prometheus-client, installed here when missing): a scrape Prometheus itself could not read fails.
 */
class MetricsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path PARSER = Path.of("src/test/scripts/parse-metrics.py");
    private final Api api = TestServer.api();

    @BeforeAll
    static void installTheParser() throws Exception {
        if (run(List.of(PYTHON, "-c", "import prometheus_client")) == 0) {
            return;
        }
        Debian.install("python3-prometheus-client");
    }

    @Test
    void aScrapeParsesAndCountsRequestsByRouteTemplateNeverByPath() throws Exception {
        var reader = api.register("metrics");
        api.createArticle(reader, Api.unique("Measured"), List.of("metrics"));
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/profiles/" + reader.username()).status()).isEqualTo(200);
        }
        assertThat(api.get("/profiles/no-such-" + reader.username()).status()).isEqualTo(404);
        assertThat(api.get("/articles?tag=metrics").status()).isEqualTo(200);
        assertThat(api.get("/user", reader.token()).status()).isEqualTo(200);

        JsonNode families = parse(scrape(null).body());

        var requests = samples(families, "http_server_requests_seconds", "http_server_requests_seconds_count");
        var profile2xx = find(requests, Map.of("method", "GET", "route", "/api/profiles/{username}", "status", "2xx"));
        assertThat(profile2xx.get(2).asDouble()).isGreaterThanOrEqualTo(3);
        assertThat(find(requests, Map.of("route", "/api/profiles/{username}", "status", "4xx")).get(2).asDouble())
                .isGreaterThanOrEqualTo(1);
        for (var sample : requests) {
            assertThat(sample.get(1).get("route").asText()).as("a route label is a template")
                    .doesNotContain(reader.username()).doesNotContain("?");
        }
        var buckets = samples(families, "http_server_requests_seconds", "http_server_requests_seconds_bucket");
        assertThat(buckets).extracting(sample -> sample.get(1).get("le").asText())
                .as("buckets around a 10 ms objective").contains("0.005", "0.01", "0.025");
        assertThat(families.at("/http_server_requests_seconds/type").asText()).isEqualTo("histogram");

        var statements = samples(families, "http_server_requests_sql_statements",
                "http_server_requests_sql_statements_sum");
        assertThat(find(statements, Map.of("route", "/api/user")).get(2).asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(families.has("http_server_requests_active")).isTrue();

        for (String family : List.of("hikaricp_connections_active", "hikaricp_connections_idle",
                "hikaricp_connections_pending", "hikaricp_connections_acquire_seconds", "jvm_memory_used_bytes",
                "jvm_gc_pause_seconds", "jvm_threads_live_threads", "jvm_threads_virtual_mounted",
                "jvm_threads_virtual_queued", "process_files_open_files", "conduit_password_hashes_waiting",
                "conduit_password_hashes_running")) {
            assertThat(families.has(family)).as(family).isTrue();
        }
        var cacheGets = samples(families, "cache_gets", "cache_gets_total");
        assertThat(find(cacheGets, Map.of("cache", "profiles.cards", "result", "hit")).get(2).asDouble())
                .as("the profile's repeated reads hit its cache").isGreaterThanOrEqualTo(1);
        var build = samples(families, "conduit_build_info", "conduit_build_info").getFirst();
        assertThat(build.get(1).get("version").asText()).isNotBlank();
        assertThat(build.get(1).get("commit").asText()).isNotBlank();
    }

    @Test
    void openMetricsWhenAskedAndNothingOnThePublicPort() throws Exception {
        var open = scrape("application/openmetrics-text; version=1.0.0, text/plain;q=0.5");
        assertThat(open.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/openmetrics-text");
        assertThat(open.body()).endsWith("# EOF\n");

        var publicPort = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + TestServer.app().port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(publicPort.statusCode()).isEqualTo(404);
        assertThat(Config.from(Map.of()).managementHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void metricsOffMeansNoManagementListener() {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("METRICS", "off");
        Main app = Main.start(Config.from(env), sql -> { });
        try {
            assertThat(app.managementPort()).isEqualTo(-1);
            assertThat(new Api("http://127.0.0.1:" + app.port() + "/api").get("/tags").status()).isEqualTo(200);
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    @Test
    void aManagementPortInUseFailsTheStart() throws Exception {
        Path dataDir = TestServer.newDataDir();
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var env = new HashMap<>(TestServer.environment(dataDir));
            env.put("MANAGEMENT_PORT", Integer.toString(taken.getLocalPort()));
            assertThatThrownBy(() -> Main.start(Config.from(env), sql -> { }))
                    .hasMessageContaining("the metrics could not listen on 127.0.0.1:" + taken.getLocalPort());
        } finally {
            TestServer.deleteTree(dataDir);
        }
    }

    private static HttpResponse<String> scrape(String accept) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + TestServer.app().managementPort() + "/metrics"));
        if (accept != null) {
            request.header("Accept", accept);
        }
        var response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static JsonNode parse(String exposition) throws Exception {
        var process = new ProcessBuilder(PYTHON, PARSER.toString()).redirectErrorStream(false).start();
        try (var in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("the parser's verdict: %s", err).isZero();
        return new ObjectMapper().readTree(out);
    }

    /** The samples named {@code sample} of {@code family}, each [name, labels, value]. */
    private static List<JsonNode> samples(JsonNode families, String family, String sample) {
        assertThat(families.has(family)).as(family).isTrue();
        var found = new ArrayList<JsonNode>();
        families.get(family).get("samples").forEach(s -> {
            if (s.get(0).asText().equals(sample)) {
                found.add(s);
            }
        });
        return found;
    }

    private static JsonNode find(List<JsonNode> samples, Map<String, String> labels) {
        return samples.stream().filter(s -> labels.entrySet().stream()
                        .allMatch(label -> label.getValue().equals(s.get(1).path(label.getKey()).asText())))
                .findFirst().orElseThrow(() -> new AssertionError("no sample with " + labels + " in " + samples));
    }

    private static int run(List<String> command) throws Exception {
        var process = new ProcessBuilder(command).inheritIO().start();
        return process.waitFor(10, TimeUnit.MINUTES) ? process.exitValue() : -1;
    }
}

package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.platform.observe.JsonLogFormatter;
import dev.conduit.platform.observe.TextLogFormatter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access lines and the request id in every line of a request, in both formats, from a server of its own with the
 * access log on. Each record is formatted as the console handler would, on the thread that logged it.
 */
class LogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JSON_LINES = new CopyOnWriteArrayList<>();
    private static final List<String> TEXT_LINES = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        private final JsonLogFormatter json = new JsonLogFormatter();
        private final TextLogFormatter text = new TextLogFormatter();

        @Override
        public void publish(LogRecord record) {
            JSON_LINES.add(json.format(record));
            TEXT_LINES.add(text.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static Path dataDir;
    private static Main app;
    private static Api api;

    @BeforeAll
    static void start() {
        Logger.getLogger("").addHandler(CAPTURE);
        dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("ACCESS_LOG", "on");
        app = Main.start(Config.from(env), sql -> { });
        api = new Api("http://127.0.0.1:" + app.port() + "/api");
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(CAPTURE);
        app.stop();
        TestServer.deleteTree(dataDir);
    }

    @Test
    void anAccessLineNamesMethodRouteStatusDurationBytesRequestAndUser() throws Exception {
        var user = api.register("logged");
        long userId = TestServer.database().withHandle(h -> h.createQuery(
                "select id from users where username = :u").bind("u", user.username()).mapTo(Long.class).one());
        var res = api.raw("GET", "/profiles/" + user.username(), null,
                Map.of("X-Request-Id", "logs-1", "Authorization", "Token " + user.token()));
        assertThat(res.status()).isEqualTo(200);

        JsonNode line = JSON.readTree(awaitLine(JSON_LINES, l -> l.contains("\"http.request.id\":\"logs-1\"")));
        assertThat(line.get("log.logger").asText()).isEqualTo("conduit.access");
        assertThat(line.get("log.level").asText()).isEqualTo("INFO");
        assertThat(line.get("event.dataset").asText()).isEqualTo("conduit.access");
        assertThat(Instant.parse(line.get("@timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(line.get("http.request.method").asText()).isEqualTo("GET");
        assertThat(line.get("url.path").asText()).isEqualTo("/api/profiles/" + user.username());
        assertThat(line.get("http.route").asText()).isEqualTo("/api/profiles/{username}");
        assertThat(line.get("http.response.status_code").asInt()).isEqualTo(200);
        assertThat(line.get("http.response.bytes").asLong()).isGreaterThan(res.body().length());
        assertThat(line.get("event.duration").asLong()).isPositive();
        assertThat(line.get("user.id").asText()).isEqualTo(Long.toString(userId));
        assertThat(line.get("message").asText()).isEqualTo("GET /api/profiles/" + user.username() + " 200");

        String text = awaitLine(TEXT_LINES, l -> l.contains("request=logs-1"));
        assertThat(text).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO +\\[conduit\\.access] "
                + "GET /api/profiles/" + user.username() + " 200 \\d+\\.\\d{3} ms \\d+ B "
                + "route=/api/profiles/\\{username} user=" + userId + " sql=\\d+ request=logs-1\\R");
    }

    @Test
    void everyLineOfAFailedRequestNamesItAndTheStackTraceStaysInTheLog() throws Exception {
        var author = api.register("logfault");
        String slug = api.createArticle(author, Api.unique("Logged fault"), List.of());
        String comment = JSON.writeValueAsString(wrap("comment", "body", "lost?"));
        Api.Response res = TestServer.withCommentsHidden(() -> api.raw("POST", "/articles/" + slug + "/comments",
                comment, Map.of("Authorization", "Token " + author.token(), "X-Request-Id", "logs-fault-1")));
        assertThat(res.status()).isEqualTo(500);

        awaitLine(JSON_LINES, l -> l.contains("\"http.request.id\":\"logs-fault-1\"") && l.contains("access"));
        var lines = JSON_LINES.stream().filter(l -> l.contains("logs-fault-1")).map(LogsTest::parse).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(l -> assertThat(l.get("http.request.id").asText()).isEqualTo("logs-fault-1"));
        var error = lines.stream().filter(l -> l.get("log.level").asText().equals("ERROR")).findFirst().orElseThrow();
        assertThat(error.get("error.stack_trace").asText()).contains("\tat ");
        assertThat(error.get("error.type").asText()).isNotBlank();
        assertThat(error.get("message").asText()).contains("logs-fault-1");
        var access = lines.stream().filter(l -> l.has("event.dataset")).findFirst().orElseThrow();
        assertThat(access.get("http.response.status_code").asInt()).isEqualTo(500);
        assertThat(access.get("http.route").asText()).isEqualTo("/api/articles/{slug}/comments");

        assertThat(TEXT_LINES.stream().filter(l -> l.contains("request=logs-fault-1")))
                .anySatisfy(l -> assertThat(l).contains(" ERROR ").contains("\tat "));
    }

    @Test
    void accessLogOffWritesNoAccessLine() throws InterruptedException {
        Path otherDir = TestServer.newDataDir();
        Main quiet = Main.start(Config.from(TestServer.environment(otherDir)), sql -> { });
        try {
            var res = new Api("http://127.0.0.1:" + quiet.port() + "/api").raw("GET", "/tags", null,
                    Map.of("X-Request-Id", "logs-quiet-1"));
            assertThat(res.status()).isEqualTo(200);
            // the line of a server that logs would be there by now: the one above logs within this wait
            api.raw("GET", "/tags", null, Map.of("X-Request-Id", "logs-loud-1"));
            awaitLine(JSON_LINES, l -> l.contains("logs-loud-1"));
            assertThat(JSON_LINES).noneMatch(l -> l.contains("logs-quiet-1"));
        } finally {
            quiet.stop();
            TestServer.deleteTree(otherDir);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** An answer is on the wire before its access line is written: wait a little for it. */
    private static String awaitLine(List<String> lines, Predicate<String> wanted) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var found = lines.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such line among " + lines.size());
    }
}

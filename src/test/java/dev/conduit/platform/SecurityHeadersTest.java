package dev.conduit.platform;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every kind of answer tells browsers the same: take the content type as given, send no Referer, load nothing
 * and show the answer in no frame; the docs page alone has a policy that loads its own files (and still no frame).
 */
class SecurityHeadersTest {
    private static final String NOTHING_TO_LOAD = "default-src 'none'; frame-ancestors 'none'";
    private final Api api = TestServer.api();
    private final Api root = new Api("http://127.0.0.1:" + TestServer.app().port());

    @Test
    void everyAnswerOfThePublicPortCarriesThem() throws Exception {
        var user = api.register("headers");
        String slug = api.post("/articles", wrap("article", "title", Api.unique("Guarded"), "description", "d",
                "body", "long enough to be gzipped ".repeat(100)), user.token()).text("/article/slug");
        long comment = api.comment(user, slug, "first");
        var tags = api.get("/tags");
        var answers = new LinkedHashMap<String, Api.Response>();
        answers.put("200", tags);
        answers.put("201", api.post("/articles/" + slug + "/comments", wrap("comment", "body", "x"), user.token()));
        answers.put("204", api.delete("/articles/" + slug + "/comments/" + comment, user.token()));
        answers.put("304", api.raw("GET", "/tags", null,
                Map.of("If-None-Match", tags.headers().firstValue("ETag").orElseThrow())));
        answers.put("gzipped", api.raw("GET", "/articles/" + slug, null, Map.of("Accept-Encoding", "gzip")));
        answers.put("400", api.raw("POST", "/users/login", "{", Map.of()));
        answers.put("401", api.get("/user"));
        answers.put("404 route", api.get("/no/such/route"));
        answers.put("405", api.raw("PATCH", "/tags", "{}", Map.of()));
        answers.put("OPTIONS", api.raw("OPTIONS", "/tags", null, Map.of()));
        answers.put("CORS preflight", api.raw("OPTIONS", "/articles", null,
                Map.of("Origin", "https://app.example", "Access-Control-Request-Method", "POST")));
        answers.put("500", TestServer.withCommentsHidden(() -> api.post("/articles/" + slug + "/comments",
                wrap("comment", "body", "lost"), user.token())));
        answers.put("openapi.yml", api.get("/openapi.yml"));
        answers.put("health live", root.get("/health/live"));
        answers.put("health ready", root.get("/health/ready"));
        answers.put("docs file", root.get("/docs/swagger-ui-bundle.js"));
        answers.put("docs 404", root.get("/docs/no-such-file.js"));

        assertThat(answers.get("gzipped").headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(answers.get("304").status()).isEqualTo(304);
        assertThat(answers.get("500").status()).isEqualTo(500);
        answers.forEach((kind, answer) -> assertGuarded(kind, answer.headers(), NOTHING_TO_LOAD));
    }

    @Test
    void theDocsPageKeepsItsOwnPolicyAloneAndItForbidsFraming() {
        var page = root.get("/docs");

        assertThat(page.status()).isEqualTo(200);
        assertGuarded("docs page", page.headers(), "default-src 'self'; img-src 'self' data:; "
                + "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    }

    @Test
    void answersHelidonWritesBeforeRoutingAndTheMetricsPortCarryThemToo() throws Exception {
        var tooLarge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + TestServer.app().port() + "/api/users/login"))
                        .expectContinue(true)
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1_100_000)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        var metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + TestServer.app().managementPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertGuarded("413 before routing", tooLarge.headers(), NOTHING_TO_LOAD);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertGuarded("metrics", metrics.headers(), NOTHING_TO_LOAD);
    }

    /** Each header once: two policies would both apply, the stricter one breaking the docs page. */
    private static void assertGuarded(String kind, HttpHeaders headers, String policy) {
        assertThat(headers.allValues("X-Content-Type-Options")).as(kind).containsExactly("nosniff");
        assertThat(headers.allValues("Referrer-Policy")).as(kind).containsExactly("no-referrer");
        assertThat(headers.allValues("X-Frame-Options")).as(kind).containsExactly("DENY");
        assertThat(headers.allValues("Content-Security-Policy")).as(kind).containsExactly(policy);
    }
}

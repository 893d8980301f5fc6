package dev.conduit.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import dev.conduit.Config;
import dev.conduit.Main;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A RealWorld front end served from another origin can call the API from a browser. */
class CorsTest {
    private final Api api = TestServer.api();

    @Test
    void preflightAsBrowsersSendItIsAllowed() {
        var res = api.raw("OPTIONS", "/articles/some-slug", null, Map.of(
                "Origin", "http://localhost:4200",
                "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "authorization,content-type,idempotency-key"));

        assertThat(res.status()).isEqualTo(204);
        assertThat(res.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(res.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                methods -> assertThat(methods).contains("PUT", "DELETE"));
        assertThat(res.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                headers -> assertThat(headers).containsIgnoringCase("authorization").containsIgnoringCase("content-type")
                        .containsIgnoringCase("idempotency-key"));
    }

    @Test
    void answersAndErrorsCarryTheAllowOriginHeader() {
        var ok = api.raw("GET", "/tags", null, Map.of("Origin", "http://localhost:4200"));
        var error = api.raw("GET", "/user", null, Map.of("Origin", "http://localhost:4200"));

        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(ok.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(
                headers -> assertThat(headers.split(", ")).containsExactlyInAnyOrder("X-Request-Id", "Idempotent-Replayed"));
        error.assertError(401, "token", "is missing");
        assertThat(error.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void withAnAllowListOnlyListedOriginsGetTheHeaders() {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("CORS_ALLOWED_ORIGINS", "https://app.example , http://localhost:4200");
        Main app = Main.start(Config.from(env), sql -> { });
        try {
            var api = new Api("http://127.0.0.1:" + app.port() + "/api");
            var listed = api.raw("GET", "/tags", null, Map.of("Origin", "https://app.example"));
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
            assertThat(listed.headers().allValues("Vary")).contains("Origin");
            var author = TestServer.api().register("corsauthor");
            for (int i = 0; i < 5; i++) {
                TestServer.api().createArticle(author, Api.unique("Large answer " + i), List.of());
            }
            var large = api.raw("GET", "/articles?author=" + author.username(), null, Map.of("Origin", "https://app.example"));
            assertThat(String.join(",", large.headers().allValues("Vary"))).contains("Origin").contains("Accept-Encoding");

            var preflight = api.raw("OPTIONS", "/articles/some-slug", null, Map.of("Origin", "http://localhost:4200",
                    "Access-Control-Request-Method", "PUT"));
            assertThat(preflight.status()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:4200");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                    methods -> assertThat(methods.split(", ")).containsExactlyInAnyOrder("GET", "POST", "PUT", "DELETE"));

            for (String other : List.of("https://evil.example", "https://app.example.evil", "null")) {
                var refused = api.raw("GET", "/user", null, Map.of("Origin", other));
                refused.assertError(401, "token", "is missing");
                var refusedPreflight = api.raw("OPTIONS", "/user", null, Map.of("Origin", other,
                        "Access-Control-Request-Method", "PUT"));
                for (var response : List.of(refused, refusedPreflight)) {
                    assertThat(response.headers().map().keySet()).as(other)
                            .noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("access-control-"));
                }
            }
        } finally {
            app.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    @Test
    void plainOptionsListsTheAllowedMethods() {
        var res = api.raw("OPTIONS", "/articles/some-slug/comments", null, Map.of());

        assertThat(res.status()).isEqualTo(204);
        assertThat(res.headers().firstValue("Allow")).contains("GET, POST");
    }
}

package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server-side fault is a 500 whose body names a request id and nothing of the server's insides. */
class FaultsTest {
    private final Api api = TestServer.api();

    @Test
    void unexpectedFailuresAnswer500WithARequestIdOnly() {
        var author = api.register("fault");
        String slug = api.createArticle(author, Api.unique("Faulty"), List.of());
        Api.Response res = TestServer.withCommentsHidden(
                () -> api.post("/articles/" + slug + "/comments", wrap("comment", "body", "lost?"), author.token()));

        assertThat(res.status()).isEqualTo(500);
        assertThat(res.text("/errors/server/0")).matches("unexpected error, request id [0-9a-f-]{36}");
        assertThat(res.text("/errors/server/0")).endsWith(res.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(res.body()).doesNotContain("Exception", "comments", "at dev.");
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();
    }

    @Test
    void everyAnswerCarriesTheCallersSaneRequestIdOrANewOne() {
        var kept = api.raw("GET", "/tags", null, Map.of("X-Request-Id", "lb-7f3a.2:req-1"));
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("lb-7f3a.2:req-1");

        var notFound = api.raw("GET", "/no-such-route", null, Map.of("X-Request-Id", "abc-123"));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("X-Request-Id")).hasValue("abc-123");

        for (String insane : List.of("has space", "x".repeat(129), "quote\"", "semi;colon")) {
            var replaced = api.raw("GET", "/tags", null, Map.of("X-Request-Id", insane));
            assertThat(replaced.headers().firstValue("X-Request-Id")).as(insane).get().asString()
                    .matches("[0-9a-f-]{36}");
        }
        var generated = api.get("/tags");
        assertThat(generated.headers().firstValue("X-Request-Id")).get().asString().matches("[0-9a-f-]{36}");
        assertThat(api.get("/tags").headers().firstValue("X-Request-Id"))
                .isNotEqualTo(generated.headers().firstValue("X-Request-Id"));
    }
}

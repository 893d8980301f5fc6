package dev.conduit.platform;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets a 4xx in the {"errors": {...}} shape, and changes nothing. */
class BadInputTest {
    private final Api api = TestServer.api();

    @Test
    void malformedJsonIs400() {
        for (String body : List.of("{", "{\"user\": }", "not json", "{\"user\":{}} trailing",
                "{\"user\":{\"email\":\"a\",\"email\":\"b\"}}", "[".repeat(5000))) {
            var res = api.raw("POST", "/users/login", body, Map.of());
            assertThat(res.status()).as(body).isEqualTo(400);
            assertThat(res.text("/errors/body/0")).isEqualTo("is not valid JSON");
        }
    }

    @Test
    void wellFormedJsonOfTheWrongShapeIs422() {
        var cases = Map.of(
                "", "user",
                "null", "user",
                "[]", "body",
                "42", "body",
                "{}", "user",
                "{\"user\": \"x\"}", "user",
                "{\"user\": {\"email\": 5, \"password\": \"p\"}}", "email",
                "{\"user\": {\"email\": \"a@b.c\", \"password\": [\"p\"]}}", "password",
                "{\"user\": {\"email\": {\"x\": 1}, \"password\": \"p\"}}", "email");
        cases.forEach((body, field) -> {
            var res = api.raw("POST", "/users/login", body, Map.of());
            assertThat(res.status()).as(body).isEqualTo(422);
            assertThat(res.at("/errors/" + field).isArray()).as(body + " -> " + res.body()).isTrue();
        });
    }

    @Test
    void wrongTypesInArticlesAre422AndStoreNothing() {
        var author = api.register("types");

        var res = api.raw("POST", "/articles", "{\"article\": {\"title\": 1, \"description\": \"d\", \"body\": \"b\"}}",
                Map.of("Authorization", "Token " + author.token()));
        var tags = api.raw("POST", "/articles", "{\"article\": {\"title\": \"t\", \"description\": \"d\", "
                + "\"body\": \"b\", \"tagList\": [1, 2]}}", Map.of("Authorization", "Token " + author.token()));

        assertThat(res.status()).isEqualTo(422);
        assertThat(res.text("/errors/title/0")).isEqualTo("must be a string");
        assertThat(tags.status()).isEqualTo(422);
        assertThat(api.get("/articles?author=" + author.username()).at("/articlesCount").asInt()).isZero();
    }

    @Test
    void unknownRoutesAre404InJson() {
        for (String path : List.of("/nope", "/articles/a/b/c/d", "/users/login/extra")) {
            var res = api.get(path);
            assertThat(res.status()).as(path).isEqualTo(404);
            assertThat(res.text("/errors/route/0")).isEqualTo("not found");
        }
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        var cases = Map.of(
                "/users", "POST",
                "/user", "GET, PUT",
                "/articles", "GET, POST",
                "/articles/feed", "GET",
                "/articles/some-slug", "GET, PUT, DELETE",
                "/articles/some-slug/favorite", "POST, DELETE",
                "/articles/some-slug/comments", "GET, POST",
                "/articles/some-slug/comments/1", "DELETE",
                "/profiles/someone/follow", "POST, DELETE",
                "/tags", "GET");
        cases.forEach((path, allow) -> {
            var res = api.raw("PATCH", path, "{}", Map.of());
            assertThat(res.status()).as(path).isEqualTo(405);
            assertThat(res.headers().firstValue("Allow")).as(path).contains(allow);
            assertThat(res.text("/errors/method/0")).isEqualTo("PATCH is not allowed here");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=abc", "limit=0", "limit=-1", "limit=101", "limit=99999999999999999999",
            "offset=-1", "offset=x", "offset=1000001", "limit=1.5"})
    void badPagingIs422(String query) {
        var res = api.get("/articles?" + query);

        assertThat(res.status()).isEqualTo(422);
        assertThat(res.text("/errors/" + query.substring(0, query.indexOf('=')) + "/0")).startsWith("must be");
    }

    @Test
    void pagingAtTheLimitsIsFine() {
        assertThat(api.get("/articles?limit=100&offset=1000000").status()).isEqualTo(200);
        assertThat(api.get("/articles?limit=1&offset=0").status()).isEqualTo(200);
        assertThat(api.get("/articles?limit=&offset=").status()).isEqualTo(200);
    }

    @Test
    void bodiesOverTheCapAre413EvenWhenChunked() throws Exception {
        String big = "{\"user\": {\"email\": \"" + "a".repeat(1_100_000) + "\", \"password\": \"p\"}}";
        var sized = api.raw("POST", "/users/login", big, Map.of());
        assertThat(sized.status()).isEqualTo(413);
        assertThat(sized.text("/errors/request/0")).contains("larger");

        var chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestServer.app().port()
                        + "/api/users/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        var res = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).contains("\"errors\"");
    }

    @Test
    void textPostgresCannotStoreIsRefusedNot500() {
        var user = api.register("nul");
        var auth = Map.of("Authorization", "Token " + user.token());

        var nul = api.raw("PUT", "/user", "{\"user\": {\"bio\": \"a\\u0000b\"}}", auth);
        assertThat(nul.status()).isEqualTo(422);
        assertThat(nul.text("/errors/bio/0")).contains("NUL");
        var surrogate = api.raw("POST", "/articles", "{\"article\": {\"title\": \"x\\ud800\", "
                + "\"description\": \"d\", \"body\": \"b\"}}", auth);
        assertThat(surrogate.status()).isEqualTo(422);
        assertThat(surrogate.text("/errors/title/0")).isEqualTo("must be valid Unicode text");
        var nulTag = api.raw("POST", "/articles", "{\"article\": {\"title\": \"x\", \"description\": \"d\", "
                + "\"body\": \"b\", \"tagList\": [\"a\\u0000\"]}}", auth);
        assertThat(nulTag.status()).isEqualTo(422);
        var emoji = api.put("/user", wrap("user", "bio", "ok \uD83D\uDE00"), user.token());
        assertThat(emoji.text("/user/bio")).isEqualTo("ok \uD83D\uDE00");

        for (String path : List.of("/profiles/%00", "/articles?author=%00", "/articles?tag=a%00b",
                "/articles/%00/comments")) {
            var res = api.get(path);
            assertThat(res.status()).as(path).isBetween(400, 499);
            assertThat(res.at("/errors").isObject()).as(path).isTrue();
        }
        assertThat(api.get("/user", user.token()).text("/user/bio")).isEqualTo("ok \uD83D\uDE00");
    }

    @Test
    void aFailedWriteChangesNothing() {
        var user = api.register("unchanged");

        var res = api.put("/user", wrap("user", "bio", "new bio", "email", "broken"), user.token());

        assertThat(res.status()).isEqualTo(422);
        assertThat(api.get("/user", user.token()).at("/user/bio").isNull()).isTrue();
    }
}

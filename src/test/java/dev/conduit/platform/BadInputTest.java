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
            api.raw("POST", "/users/login", body, Map.of()).assertError(400, "body", "is not valid JSON");
        }
    }

    @Test
    void wellFormedJsonOfTheWrongShapeIs422() {
        String notAnObject = "must be a JSON object with a \"user\" field";
        var cases = Map.of(
                "", List.of("user", "is missing"),
                "null", List.of("user", "is missing"),
                "[]", List.of("body", notAnObject),
                "42", List.of("body", notAnObject),
                "{}", List.of("user", "is missing"),
                "{\"user\": \"x\"}", List.of("user", "must be an object"),
                "{\"user\": {\"email\": 5, \"password\": \"p\"}}", List.of("email", "must be a string"),
                "{\"user\": {\"email\": \"a@b.c\", \"password\": [\"p\"]}}", List.of("password", "must be a string"),
                "{\"user\": {\"email\": {\"x\": 1}, \"password\": \"p\"}}", List.of("email", "must be a string"));
        cases.forEach((body, error) ->
                api.raw("POST", "/users/login", body, Map.of()).assertError(422, error.get(0), error.get(1)));
    }

    @Test
    void wrongTypesInArticlesAre422AndStoreNothing() {
        var author = api.register("types");

        var res = api.raw("POST", "/articles", "{\"article\": {\"title\": 1, \"description\": \"d\", \"body\": \"b\"}}",
                Map.of("Authorization", "Token " + author.token()));
        var tags = api.raw("POST", "/articles", "{\"article\": {\"title\": \"t\", \"description\": \"d\", "
                + "\"body\": \"b\", \"tagList\": [1, 2]}}", Map.of("Authorization", "Token " + author.token()));

        res.assertError(422, "title", "must be a string");
        tags.assertError(422, "tagList", "must be an array of strings");
        assertThat(api.get("/articles?author=" + author.username()).at("/articlesCount").asInt()).isZero();
    }

    @Test
    void unknownRoutesAre404InJson() {
        for (String path : List.of("/nope", "/articles/a/b/c/d", "/users/login/extra", "")) {
            api.get(path).assertError(404, "route", "not found");
        }
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        var cases = Map.ofEntries(
                Map.entry("/users", "POST"),
                Map.entry("/users/login", "POST"),
                Map.entry("/profiles/someone", "GET"),
                Map.entry("/user", "GET, PUT"),
                Map.entry("/articles", "GET, POST"),
                Map.entry("/articles/feed", "GET"),
                Map.entry("/articles/some-slug", "GET, PUT, DELETE"),
                Map.entry("/articles/some-slug/favorite", "POST, DELETE"),
                Map.entry("/articles/some-slug/comments", "GET, POST"),
                Map.entry("/articles/some-slug/comments/1", "DELETE"),
                Map.entry("/profiles/someone/follow", "POST, DELETE"),
                Map.entry("/tags", "GET"));
        cases.forEach((path, allow) -> {
            var res = api.raw("PATCH", path, "{}", Map.of());
            res.assertError(405, "method", "PATCH is not allowed here");
            assertThat(res.headers().firstValue("Allow")).as(path).contains(allow);
        });
        // "feed" is no slug: its path answers for itself
        api.raw("PUT", "/articles/feed", "{}", Map.of()).assertError(405, "method", "PUT is not allowed here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=abc", "limit=0", "limit=-1", "limit=101", "limit=99999999999999999999",
            "offset=-1", "offset=x", "offset=1000001", "limit=1.5"})
    void badPagingIs422(String query) {
        var res = api.get("/articles?" + query);

        if (query.startsWith("limit")) {
            res.assertError(422, "limit", "must be an integer from 1 to 100");
        } else {
            res.assertError(422, "offset", "must be an integer from 0 to 1000000");
        }
    }

    @Test
    void everyBadPagingValueIsNamedAtOnce() {
        api.get("/articles/feed?limit=0&offset=x", api.register("paging").token()).assertErrors(422, Map.of(
                "limit", List.of("must be an integer from 1 to 100"),
                "offset", List.of("must be an integer from 0 to 1000000")));
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
        // The sized body is refused from its Content-Length before a byte of it is read, and the connection
        // closed: a client still sending can get a reset instead of the answer (Helidon 4.4 does not linger on
        // close). Asking first (Expect: 100-continue, as curl does for large bodies) gets the 413 every time.
        assert413(HttpRequest.BodyPublishers.ofString(big), true);
        assert413(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())), false);
    }

    private static void assert413(HttpRequest.BodyPublisher body, boolean expectContinue) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestServer.app().port()
                        + "/api/users/login"))
                .header("Content-Type", "application/json")
                .expectContinue(expectContinue)
                .POST(body)
                .build();
        var res = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).isEqualTo("{\"errors\":{\"request\":[\"is larger than the server accepts\"]}}");
    }

    @Test
    void textPostgresCannotStoreIsRefusedNot500() {
        var user = api.register("nul");
        var auth = Map.of("Authorization", "Token " + user.token());

        api.raw("PUT", "/user", "{\"user\": {\"bio\": \"a\\u0000b\"}}", auth)
                .assertError(422, "bio", "must not contain NUL characters");
        api.raw("POST", "/articles", "{\"article\": {\"title\": \"x\\ud800\", "
                + "\"description\": \"d\", \"body\": \"b\"}}", auth)
                .assertError(422, "title", "must be valid Unicode text");
        api.raw("POST", "/articles", "{\"article\": {\"title\": \"x\", \"description\": \"d\", "
                + "\"body\": \"b\", \"tagList\": [\"a\\u0000\"]}}", auth)
                .assertError(422, "tagList", "must not contain NUL characters");
        var emoji = api.put("/user", wrap("user", "bio", "ok \uD83D\uDE00"), user.token());
        assertThat(emoji.text("/user/bio")).isEqualTo("ok \uD83D\uDE00");

        var inPathOrQuery = Map.of(
                "/profiles/%00", "username",
                "/articles?author=%00", "author",
                "/articles?tag=a%00b", "tag",
                "/articles?favorited=%00", "favorited",
                "/articles/%00", "slug",
                "/articles/%00/comments", "slug");
        inPathOrQuery.forEach((path, parameter) ->
                api.get(path).assertError(422, parameter, "must not contain NUL characters"));
        assertThat(api.get("/user", user.token()).text("/user/bio")).isEqualTo("ok \uD83D\uDE00");
    }

    @Test
    void aFailedWriteChangesNothing() {
        var user = api.register("unchanged");

        var res = api.put("/user", wrap("user", "bio", "new bio", "email", "broken"), user.token());

        res.assertError(422, "email", "is invalid");
        assertThat(api.get("/user", user.token()).at("/user/bio").isNull()).isTrue();
    }
}

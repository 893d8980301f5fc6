package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A small HTTP client for the tests: JSON in, {@link Response} out, plus shortcuts for common setup. */
public final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String base;

    public Api(String base) {
        this.base = base;
    }

    /** A status, the parsed JSON body (a missing node when the body is empty), and the headers. */
    public record Response(int status, JsonNode json, String body, HttpHeaders headers) {
        public JsonNode at(String pointer) {
            return json.at(pointer);
        }

        public String text(String pointer) {
            return json.at(pointer).asText();
        }

        /** Asserts the answer is {@code status} with exactly the body {@code {"errors": {field: [message]}}}. */
        public void assertError(int status, String field, String message) {
            assertErrors(status, Map.of(field, List.of(message)));
        }

        /** Asserts the answer is {@code status} with exactly the body {@code {"errors": errors}}. */
        public void assertErrors(int status, Map<String, List<String>> errors) {
            assertThat(this.status).as(body).isEqualTo(status);
            assertThat(json).as(body).isEqualTo(JSON.valueToTree(Map.of("errors", errors)));
        }
    }

    /** A registered user and a token for them. */
    public record User(String username, String email, String password, String token) {
    }

    /** A name no other test (or earlier run against the same database) uses. */
    public static String unique(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime(), 36) + SEQUENCE.incrementAndGet();
    }

    public static Map<String, Object> wrap(String name, Object... keyValues) {
        var inner = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keyValues.length; i += 2) {
            inner.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Map.of(name, inner);
    }

    public Response get(String path, String token) {
        return send("GET", path, null, token);
    }

    public Response get(String path) {
        return get(path, null);
    }

    public Response post(String path, Object body, String token) {
        return send("POST", path, body, token);
    }

    /** A POST with headers of its own (an Idempotency-Key, say) besides the token's. */
    public Response post(String path, Object body, String token, Map<String, String> headers) {
        return send("POST", path, body, token, headers);
    }

    public Response put(String path, Object body, String token) {
        return send("PUT", path, body, token);
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, null, token);
    }

    public Response send(String method, String path, Object body, String token) {
        return send(method, path, body, token, Map.of());
    }

    private Response send(String method, String path, Object body, String token, Map<String, String> headers) {
        try {
            String raw = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            var all = new LinkedHashMap<>(headers);
            if (token != null) {
                all.put("Authorization", "Token " + token);
            }
            return raw(method, path, raw, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any method, raw body text and headers, for the bad-input tests. */
    public Response raw(String method, String path, String body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            var response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), json(response.body()), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body as JSON; missing when it is empty or not JSON (a non-Conduit server's page). */
    private static JsonNode json(String body) {
        try {
            return body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    public User register(String prefix) {
        String username = unique(prefix);
        String email = username + "@example.com";
        var response = post("/users", wrap("user", "username", username, "email", email, "password", "password123"),
                null);
        if (response.status() != 201) {
            throw new IllegalStateException("register failed: " + response.status() + " " + response.body());
        }
        return new User(username, email, "password123", response.text("/user/token"));
    }

    /** Creates an article and returns its slug. */
    public String createArticle(User author, String title, List<String> tags) {
        var response = post("/articles", wrap("article", "title", title, "description", "about " + title,
                "body", "All about " + title, "tagList", tags), author.token());
        if (response.status() != 201) {
            throw new IllegalStateException("create failed: " + response.status() + " " + response.body());
        }
        return response.text("/article/slug");
    }

    /** Comments on the article and returns the comment's id. */
    public long comment(User author, String slug, String body) {
        var response = post("/articles/" + slug + "/comments", wrap("comment", "body", body), author.token());
        if (response.status() != 201) {
            throw new IllegalStateException("comment failed: " + response.status() + " " + response.body());
        }
        return response.at("/comment/id").asLong();
    }
}

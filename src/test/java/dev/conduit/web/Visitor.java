package dev.conduit.web;

import dev.conduit.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * A browser without JavaScript, as the site's tests drive it: its own cookies (set from answers as a browser
 * would), GETs, and form posts that carry the token the page gave; redirects are not followed, so each answer
 * can be checked. It visits the shared test server, or the server at the origin it is given.
 */
public final class Visitor {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** An answer: status, headers, body, and the body as an HTML document. */
    public record Page(int status, HttpHeaders headers, String body) {
        public Document html() {
            return Jsoup.parse(body);
        }

        public String location() {
            return headers.firstValue("Location").orElse(null);
        }

        /** The token the page's forms carry. */
        String csrf() {
            return html().select("input[name=csrf]").val();
        }

        String setCookie(String name) {
            return headers.allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                    .findFirst().orElse(null);
        }
    }

    final Map<String, String> cookies = new LinkedHashMap<>();
    private final String origin;

    Visitor() {
        this(base());
    }

    /** A visitor of the server at {@code origin} ({@code http://host:port}). */
    public Visitor(String origin) {
        this.origin = origin;
    }

    static String base() {
        return TestServer.url();
    }

    public Page get(String path) {
        return get(path, Map.of());
    }

    Page get(String path, Map<String, String> headers) {
        var request = request(path);
        headers.forEach(request::header);
        return send(request.GET());
    }

    /** Posts {@code fields} (a form, URL-encoded) as they are: no token is added. */
    Page post(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Loads {@code page} and posts its form at {@code action} with {@code fields} and the page's token. */
    public Page submit(String page, String action, Map<String, String> fields) {
        var form = new HashMap<>(fields);
        form.put("csrf", get(page).csrf());
        return post(action, form);
    }

    /** Signs up as {@code username} (password "password123"); expects it to work. */
    public Visitor signUp(String username) {
        var answer = submit("/register", "/register", Map.of("username", username,
                "email", username + "@example.com", "password", "password123"));
        if (answer.status() != 303) {
            throw new AssertionError("sign-up failed: " + answer.status() + " " + answer.body());
        }
        return this;
    }

    private HttpRequest.Builder request(String path) {
        var request = HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(30));
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        return request;
    }

    private Page send(HttpRequest.Builder request) {
        try {
            var response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                String pair = cookie.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                boolean expired = cookie.contains("Expires=Thu, 1 Jan 1970");
                if (expired || value.isEmpty()) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return new Page(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

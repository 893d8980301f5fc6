package dev.conduit.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.Api;
import dev.conduit.TestServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Conditional GETs (ETag, If-None-Match, 304) and gzip when the client asks for it. */
class EncodingsTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final Api api = TestServer.api();

    @Test
    void anUnchangedAnswerIsA304AndAChangedOneIsSentAgain() throws Exception {
        var author = api.register("etag");
        String slug = api.createArticle(author, Api.unique("Tagged"), List.of());
        String path = "/articles/" + slug;

        var first = get(path, "If-None-Match", "\"none\"");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, no-cache");

        var again = get(path, "If-None-Match", "\"other\", W/" + etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);

        api.post(path + "/favorite", null, author.token());
        var changed = get(path, "If-None-Match", etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
        assertThat(get("/articles?limit=1", "If-None-Match", "*").statusCode()).isEqualTo(304);
    }

    @Test
    void largeAnswersAreGzippedWhenAskedSmallOnesNever() throws Exception {
        var author = api.register("gzip");
        for (int i = 0; i < 5; i++) {
            api.createArticle(author, Api.unique("Compressed " + i), List.of("gzip"));
        }
        String path = "/articles?author=" + author.username();

        var plain = get(path, "Accept-Encoding", "identity");
        var gzipped = get(path, "Accept-Encoding", "br;q=1.0, gzip;q=0.8");
        var refused = get(path, "Accept-Encoding", "gzip;q=0");

        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gzipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(gzipped.body().length).isLessThan(plain.body().length);
        assertThat(gunzip(gzipped.body())).isEqualTo(new String(plain.body(), StandardCharsets.UTF_8));
        assertThat(gzipped.headers().firstValue("ETag")).isNotEqualTo(plain.headers().firstValue("ETag"));
        assertThat(get("/tags", "Accept-Encoding", "gzip").headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void longAnswersArriveWholeAndLeaveTheirConnectionReadyForTheNext() throws Exception {
        // long answers are written straight from a buffer after the headers (Encodings.sendLong)
        var author = api.register("long");
        String body = "Naïve café — ünïcödé 😀 and plain words. ".repeat(2_000);
        var created = api.post("/articles", Api.wrap("article", "title", Api.unique("Long"), "description", "long",
                "body", body, "tagList", List.of()), author.token());
        assertThat(created.status()).isEqualTo(201);
        String slug = created.text("/article/slug");

        var json = twiceOnOneConnection("/api/articles/" + slug);
        assertThat(json.getFirst().length()).isGreaterThan(64 * 1024);
        assertThat(new ObjectMapper().readTree(json.getFirst()).at("/article/body").asText()).isEqualTo(body);
        assertThat(json.getLast()).isEqualTo(json.getFirst());

        var page = twiceOnOneConnection("/article/" + slug);
        assertThat(page.getFirst()).contains("and plain words.");
        assertThat(page.getFirst().strip()).endsWith("</html>");
        assertThat(page.getLast()).isEqualTo(page.getFirst());
    }

    @Test
    void answersAroundTheSizesFromWhichTheyAreStreamedArriveWhole() throws Exception {
        // a page from 4 KB + 1, JSON from 32 KB, is streamed (its first byte, then the rest past Helidon's 4 KB
        // buffer): each size at those edges takes another path through the buffer, and must arrive whole, leaving
        // the connection in step
        var author = api.register("edge");
        var created = api.post("/articles", Api.wrap("article", "title", Api.unique("Edge"), "description", "edge",
                "body", "x", "tagList", List.of()), author.token());
        String slug = created.text("/article/slug");
        for (int size : List.of(4095, 4096, 4097, 4098, 4099, 8193)) {
            assertArrivesWhole(author, slug, "/article/" + slug, size);
        }
        for (int size : List.of(32767, 32768, 32769, 32770)) {
            assertArrivesWhole(author, slug, "/api/articles/" + slug, size);
        }
    }

    /** Article {@code slug}'s body set so that {@code path} answers {@code size} bytes, read twice on one connection. */
    private void assertArrivesWhole(Api.User author, String slug, String path, int size) throws IOException {
        int body = size / 2; // corrected by what the answer around the body measures
        List<String> answers = List.of();
        for (int attempt = 0; answers.isEmpty() || answers.getFirst().length() != size; attempt++) {
            assertThat(attempt).as("attempts to make %s answer %d bytes", path, size).isLessThan(5);
            if (!answers.isEmpty()) {
                body += size - answers.getFirst().length();
            }
            assertThat(body).as("%s answers more than %d bytes around an article's body", path, size).isPositive();
            api.put("/articles/" + slug, Api.wrap("article", "body", "b".repeat(body)), author.token());
            answers = twiceOnOneConnection(path);
        }
        assertThat(answers.getLast()).as("the second answer of %d bytes", size).isEqualTo(answers.getFirst());
    }

    /**
     * Two GETs of {@code path} on one keep-alive connection, each answer read by its Content-Length: the next answer
     * must begin right after it (a byte too many shifts it, and its status line no longer reads).
     */
    private static List<String> twiceOnOneConnection(String path) throws IOException {
        try (var socket = new Socket("127.0.0.1", TestServer.app().port())) {
            socket.setSoTimeout(10_000);
            var in = new BufferedInputStream(socket.getInputStream());
            var bodies = new ArrayList<String>();
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(line(in)).isEqualTo("HTTP/1.1 200 OK");
                int length = -1;
                for (String header = line(in); !header.isEmpty(); header = line(in)) {
                    if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring("content-length:".length()).strip());
                    }
                }
                byte[] answer = in.readNBytes(length);
                assertThat(answer).hasSize(length);
                bodies.add(new String(answer, StandardCharsets.UTF_8));
            }
            return bodies;
        }
    }

    private static String line(InputStream in) throws IOException {
        var line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static HttpResponse<byte[]> get(String path, String header, String value) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestServer.app().port() + "/api" + path))
                .header(header, value)
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] bytes) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

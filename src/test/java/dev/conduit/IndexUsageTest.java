package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Every statement the API runs has an index to use: each one seen during a tour of all endpoints is planned
 * (the generic plan of a prepared statement) with sequential scans disabled, and a Seq Scan left in a plan means no index fits.
 */
class IndexUsageTest {
    private final Api api = TestServer.api();

    @Test
    void everyQueryPathHasAnIndex() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        TestServer.statements().listening(seen::add, () -> {
            touchEveryEndpoint();
            return null;
        });

        assertThat(seen).hasSizeGreaterThan(20);
        TestServer.database().useHandle(h -> {
            h.execute("set enable_seqscan = off");
            h.execute("set plan_cache_mode = force_generic_plan");
            try {
                for (String sql : seen) {
                    int parameters = (int) sql.chars().filter(c -> c == '?').count();
                    h.execute("prepare index_probe as " + numbered(sql));
                    String nulls = parameters == 0 ? "" : "(" + String.join(", ", Collections.nCopies(parameters, "null")) + ")";
                    String plan = String.join("\n", h.createQuery("explain execute index_probe" + nulls)
                            .mapTo(String.class).list());
                    h.execute("deallocate index_probe");
                    assertThat(plan).as(sql).doesNotContain("Seq Scan");
                }
            } finally {
                h.execute("reset all");
            }
        });
    }

    private void touchEveryEndpoint() {
        var author = api.register("idx");
        var reader = api.register("idxreader");
        api.post("/users/login", wrap("user", "email", author.email(), "password", author.password()), null);
        api.get("/user", author.token());
        // a new password ends the old token: the answer carries the one to go on with
        String token = api.put("/user", wrap("user", "bio", "b", "username", Api.unique("idx"),
                "password", "password123"), author.token()).text("/user/token");
        String username = api.get("/user", token).text("/user/username");
        author = new Api.User(username, author.email(), "password123", token);
        api.get("/profiles/" + username, reader.token());
        api.post("/profiles/" + username + "/follow", null, reader.token());
        String slug = api.createArticle(author, Api.unique("Indexed"), List.of("i1", "i2"));
        api.createArticle(author, Api.unique("Indexed"), List.of());
        api.get("/articles/" + slug, reader.token());
        api.get("/articles?tag=i1&author=" + username + "&favorited=" + reader.username(), reader.token());
        api.get("/articles/feed", reader.token());
        api.get("/articles?q=indexed%20ren&tag=i1&author=" + username + "&favorited=" + reader.username(),
                reader.token());
        api.put("/articles/" + slug, wrap("article", "title", Api.unique("Renamed"), "tagList", List.of("i3")),
                author.token());
        slug = api.get("/articles?author=" + username + "&limit=1&offset=1").text("/articles/0/slug");
        api.post("/articles/" + slug + "/favorite", null, reader.token());
        api.delete("/articles/" + slug + "/favorite", reader.token());
        long comment = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "c"), reader.token())
                .at("/comment/id").asLong();
        api.get("/articles/" + slug + "/comments", author.token());
        api.delete("/articles/" + slug + "/comments/" + comment, reader.token());
        api.get("/tags");
        // an Idempotency-Key's claim, its answer, a retry's replay, and a refused request's release
        var keyed = Map.of("Idempotency-Key", Api.unique("idx"));
        var article = wrap("article", "title", Api.unique("Keyed"), "description", "d", "body", "b");
        api.post("/articles", article, author.token(), keyed);
        api.post("/articles", article, author.token(), keyed);
        api.post("/articles", wrap("article", "title", ""), author.token(), Map.of("Idempotency-Key", Api.unique("idx")));
        api.delete("/profiles/" + username + "/follow", reader.token());
        api.delete("/articles/" + slug, author.token());
    }

    /** JDBC's ? placeholders as the $1, $2... of a PREPARE. */
    private static String numbered(String sql) {
        var out = new StringBuilder();
        int n = 0;
        for (char c : sql.toCharArray()) {
            if (c == '?') {
                out.append('$').append(++n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

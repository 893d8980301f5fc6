package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A server-side fault is a 500 whose body names a request id and nothing of the server's insides. */
class FaultsTest {
    private final Api api = TestServer.api();

    @Test
    void unexpectedFailuresAnswer500WithARequestIdOnly() {
        var author = api.register("fault");
        String slug = api.createArticle(author, Api.unique("Faulty"), List.of());
        var jdbi = TestServer.database();

        jdbi.useHandle(h -> h.execute("alter table comments rename to comments_hidden"));
        Api.Response res;
        try {
            res = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "lost?"), author.token());
        } finally {
            jdbi.useHandle(h -> h.execute("alter table comments_hidden rename to comments"));
        }

        assertThat(res.status()).isEqualTo(500);
        assertThat(res.text("/errors/server/0")).matches("unexpected error, request id [0-9a-f-]{36}");
        assertThat(res.body()).doesNotContain("Exception", "comments", "at dev.");
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();
    }
}

package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A page costs the same number of SQL statements (round trips) whether it holds 1 article or 20. */
class RoundTripsTest {
    private final Api api = TestServer.api();

    @Test
    void listPagesCostAFixedNumberOfStatements() {
        var author = api.register("bulk");
        var reader = api.register("bulkreader");
        for (int i = 0; i < 20; i++) {
            String slug = api.createArticle(author, Api.unique("Bulk " + i), List.of("a" + i, "b" + i, "shared"));
            api.post("/articles/" + slug + "/favorite", null, reader.token());
        }
        api.post("/profiles/" + author.username() + "/follow", null, reader.token());

        String list = "/articles?author=" + author.username() + "&limit=";
        long one = statements(() -> api.get(list + 1, reader.token()));
        long twenty = statements(() -> api.get(list + 20, reader.token()));
        long feedOne = statements(() -> api.get("/articles/feed?limit=1", reader.token()));
        long feedTwenty = statements(() -> api.get("/articles/feed?limit=20", reader.token()));

        assertThat(api.get(list + 20, reader.token()).at("/articles").size()).isEqualTo(20);
        assertThat(one).isEqualTo(twenty).isEqualTo(2);
        assertThat(feedOne).isEqualTo(feedTwenty).isEqualTo(2);
        System.out.printf("SQL statements per page: list limit=1 -> %d, limit=20 -> %d; feed 1 -> %d, 20 -> %d%n",
                one, twenty, feedOne, feedTwenty);
    }

    @Test
    void singleArticleAndCommentListsAreOneQueryEach() {
        var author = api.register("single");
        String slug = api.createArticle(author, Api.unique("Single"), List.of("x", "y"));
        for (int i = 0; i < 10; i++) {
            api.post("/articles/" + slug + "/comments", Api.wrap("comment", "body", "c" + i), author.token());
        }

        assertThat(statements(() -> api.get("/articles/" + slug, author.token()))).isEqualTo(1);
        // one to find the article, one for all its comments with their authors
        assertThat(statements(() -> api.get("/articles/" + slug + "/comments", author.token()))).isEqualTo(2);
    }

    private static long statements(Runnable request) {
        return TestServer.statements().countDuring(request);
    }
}

package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.platform.cache.Cached;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A page costs the same number of SQL statements (round trips) whether it holds 1 article or 20, when nothing is
 * cached; once cached, reads run no SQL at all.
 */
class RoundTripsTest {
    /**
     * A cold list page: the caller's token generation, the account filter's id, the list, the articles, their
     * authors, the viewer's follows and favorites.
     */
    private static final int COLD_PAGE = 7;
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
        long one = cold(() -> api.get(list + 1, reader.token()));
        long twenty = cold(() -> api.get(list + 20, reader.token()));
        long feedOne = cold(() -> api.get("/articles/feed?limit=1", reader.token()));
        long feedTwenty = cold(() -> api.get("/articles/feed?limit=20", reader.token()));

        assertThat(api.get(list + 20, reader.token()).at("/articles").size()).isEqualTo(20);
        assertThat(one).isEqualTo(twenty).isEqualTo(COLD_PAGE);
        assertThat(feedOne).isEqualTo(feedTwenty).isEqualTo(COLD_PAGE - 1);
        assertThat(statements(() -> api.get(list + 20, reader.token()))).isZero();
        assertThat(statements(() -> api.get("/articles/feed?limit=20", reader.token()))).isZero();
        System.out.printf("SQL statements per cold page: list limit=1 -> %d, limit=20 -> %d; feed 1 -> %d, 20 -> %d%n",
                one, twenty, feedOne, feedTwenty);
    }

    @Test
    void cachedReadsRunNoSql() {
        var author = api.register("single");
        String slug = api.createArticle(author, Api.unique("Single"), List.of("x", "y"));
        for (int i = 0; i < 10; i++) {
            api.post("/articles/" + slug + "/comments", Api.wrap("comment", "body", "c" + i), author.token());
        }
        for (String path : List.of("/articles/" + slug, "/articles/" + slug + "/comments", "/tags",
                "/profiles/" + author.username(), "/articles?tag=x")) {
            api.get(path, author.token());
            assertThat(statements(() -> api.get(path, author.token()))).as(path).isZero();
            assertThat(statements(() -> api.get(path))).as(path + " anonymously").isZero();
        }
    }

    @Test
    void anArticleIsCreatedInOneStatement() {
        var author = api.register("writer");
        // the author's card is cached, and that no webhook of theirs wants the event (a first write looks)
        api.createArticle(author, Api.unique("First trip"), List.of());

        long created = statements(() -> api.createArticle(author, Api.unique("One trip"), List.of("one", "trip")));

        assertThat(created).isEqualTo(1);
    }

    @Test
    void aFavoriteThatChangesNothingKeepsTheCaches() {
        var author = api.register("liked");
        var reader = api.register("liker");
        String slug = api.createArticle(author, Api.unique("Liked"), List.of());
        String other = api.createArticle(author, Api.unique("Not liked"), List.of());
        api.post("/articles/" + slug + "/favorite", null, reader.token());
        String favorites = "/articles?favorited=" + reader.username();
        api.get(favorites, reader.token());

        api.post("/articles/" + slug + "/favorite", null, reader.token());
        api.delete("/articles/" + other + "/favorite", reader.token());

        assertThat(statements(() -> api.get(favorites, reader.token()))).isZero();
        assertThat(api.get(favorites, reader.token()).at("/articlesCount").asInt()).isEqualTo(1);
    }

    @Test
    void aDiscussionIsReadOnceWhateverIsWrittenInIt() {
        var author = api.register("discussed");
        var other = api.register("discussant");
        String slug = api.createArticle(author, Api.unique("Discussed"), List.of());
        String comments = "/articles/" + slug + "/comments";
        long first = api.comment(author, slug, "first");
        api.get(comments);

        long second = api.comment(other, slug, "second");
        long third = api.comment(author, slug, "third");
        api.delete(comments + "/" + second, other.token());
        long fourth = api.comment(other, slug, "fourth");

        assertThat(statements(() -> api.get(comments))).isZero();
        var cached = api.get(comments).at("/comments");
        TestServer.app().caches().forEach(Cached::invalidateAll);
        assertThat(api.get(comments).at("/comments")).isEqualTo(cached);
        assertThat(cached.findValues("id").stream().map(n -> n.asLong()).toList())
                .containsExactly(fourth, third, first);
    }

    private static long cold(Runnable request) {
        TestServer.app().caches().forEach(Cached::invalidateAll);
        return statements(request);
    }

    private static long statements(Runnable request) {
        return TestServer.statements().countDuring(request);
    }
}

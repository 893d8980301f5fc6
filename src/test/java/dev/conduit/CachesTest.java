package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every write path invalidates what it changed: each test first reads (so the answer is cached), then writes, then
 * reads again and finds its write. The writer and other readers see it at once.
 */
class CachesTest {
    private final Api api = TestServer.api();
    private Api.User author;
    private Api.User reader;
    private String tag;
    private String slug;

    @BeforeEach
    void anArticleReadByEveryone() {
        author = api.register("cauthor");
        reader = api.register("creader");
        tag = Api.unique("ctag");
        slug = api.createArticle(author, Api.unique("Cached"), List.of(tag));
        api.post("/profiles/" + author.username() + "/follow", null, reader.token());
        readEverything();
    }

    @Test
    void aNewArticleJoinsEveryListItMeets() {
        String second = api.createArticle(author, Api.unique("Second"), List.of(tag, "z" + tag));

        assertThat(slugs(api.get("/articles?limit=100"))).contains(second);
        assertThat(slugs(api.get("/articles?author=" + author.username()))).containsExactly(second, slug);
        assertThat(slugs(api.get("/articles?tag=" + tag))).containsExactly(second, slug);
        assertThat(api.get("/articles?tag=" + tag).at("/articlesCount").asInt()).isEqualTo(2);
        assertThat(slugs(api.get("/articles/feed", reader.token()))).containsExactly(second, slug);
        assertThat(texts(api.get("/tags").at("/tags"))).contains("z" + tag);
    }

    @Test
    void anEditShowsInTheArticleAndEveryList() {
        String title = Api.unique("Renamed");
        String newTag = Api.unique("ntag");
        String newSlug = api.put("/articles/" + slug, wrap("article", "title", title, "body", "new body",
                "description", "new description", "tagList", List.of(newTag)), author.token()).text("/article/slug");

        api.get("/articles/" + slug).assertError(404, "article", "not found");
        var article = api.get("/articles/" + newSlug, reader.token()).at("/article");
        assertThat(article.get("body").asText()).isEqualTo("new body");
        assertThat(article.get("title").asText()).isEqualTo(title);
        assertThat(texts(article.get("tagList"))).containsExactly(newTag);
        var listed = api.get("/articles?author=" + author.username()).at("/articles/0");
        assertThat(listed.get("title").asText()).isEqualTo(title);
        assertThat(listed.get("description").asText()).isEqualTo("new description");
        assertThat(api.get("/articles/feed", reader.token()).text("/articles/0/title")).isEqualTo(title);
        assertThat(api.get("/articles?tag=" + tag).at("/articlesCount").asInt()).isZero();
        assertThat(slugs(api.get("/articles?tag=" + newTag))).containsExactly(newSlug);
        assertThat(texts(api.get("/tags").at("/tags"))).contains(newTag).doesNotContain(tag);
        assertThat(api.get("/articles/" + newSlug + "/comments").status()).isEqualTo(200);
    }

    @Test
    void aDeletedArticleNeverAppearsAgain() {
        api.post("/articles/" + slug + "/favorite", null, reader.token());
        readEverything();

        api.delete("/articles/" + slug, author.token());

        api.get("/articles/" + slug).assertError(404, "article", "not found");
        api.get("/articles/" + slug + "/comments").assertError(404, "article", "not found");
        assertThat(slugs(api.get("/articles?limit=100"))).doesNotContain(slug);
        assertThat(api.get("/articles?author=" + author.username()).at("/articlesCount").asInt()).isZero();
        assertThat(api.get("/articles?tag=" + tag).at("/articlesCount").asInt()).isZero();
        assertThat(api.get("/articles?favorited=" + reader.username()).at("/articlesCount").asInt()).isZero();
        assertThat(api.get("/articles/feed", reader.token()).at("/articlesCount").asInt()).isZero();
        assertThat(texts(api.get("/tags").at("/tags"))).doesNotContain(tag);
    }

    @Test
    void aFavoriteShowsInTheCountTheFlagAndTheFavoritesList() {
        var favorited = api.post("/articles/" + slug + "/favorite", null, reader.token()).at("/article");
        assertThat(favorited.get("favorited").asBoolean()).isTrue();
        assertThat(favorited.get("favoritesCount").asInt()).isEqualTo(1);

        assertThat(api.get("/articles/" + slug, reader.token()).at("/article/favorited").asBoolean()).isTrue();
        assertThat(api.get("/articles/" + slug).at("/article/favoritesCount").asInt()).isEqualTo(1);
        assertThat(api.get("/articles?tag=" + tag, reader.token()).at("/articles/0/favorited").asBoolean()).isTrue();
        assertThat(api.get("/articles?tag=" + tag).at("/articles/0/favoritesCount").asInt()).isEqualTo(1);
        assertThat(slugs(api.get("/articles?favorited=" + reader.username()))).containsExactly(slug);

        api.delete("/articles/" + slug + "/favorite", reader.token());
        assertThat(api.get("/articles/" + slug, reader.token()).at("/article/favorited").asBoolean()).isFalse();
        assertThat(api.get("/articles?tag=" + tag).at("/articles/0/favoritesCount").asInt()).isZero();
        assertThat(api.get("/articles?favorited=" + reader.username()).at("/articlesCount").asInt()).isZero();
    }

    @Test
    void anUnfollowShowsInEveryProfileOfTheAuthorAndEmptiesTheFeed() {
        api.post("/articles/" + slug + "/comments", wrap("comment", "body", "self"), author.token());
        api.get("/articles/" + slug + "/comments", reader.token());

        api.delete("/profiles/" + author.username() + "/follow", reader.token());

        assertThat(api.get("/profiles/" + author.username(), reader.token()).at("/profile/following").asBoolean())
                .isFalse();
        assertThat(api.get("/articles/" + slug, reader.token()).at("/article/author/following").asBoolean()).isFalse();
        assertThat(api.get("/articles?tag=" + tag, reader.token()).at("/articles/0/author/following").asBoolean())
                .isFalse();
        assertThat(api.get("/articles/" + slug + "/comments", reader.token()).at("/comments/0/author/following")
                .asBoolean()).isFalse();
        assertThat(api.get("/articles/feed", reader.token()).at("/articlesCount").asInt()).isZero();

        api.post("/profiles/" + author.username() + "/follow", null, reader.token());
        assertThat(api.get("/articles/" + slug, reader.token()).at("/article/author/following").asBoolean()).isTrue();
        assertThat(slugs(api.get("/articles/feed", reader.token()))).containsExactly(slug);
    }

    @Test
    void aChangedAccountShowsWhereverItsAuthorIsShown() {
        api.post("/articles/" + slug + "/comments", wrap("comment", "body", "mine"), author.token());
        api.get("/articles/" + slug + "/comments");
        String newName = Api.unique("renamed");

        api.put("/user", wrap("user", "username", newName, "bio", "new bio", "image", "https://example.com/a.png"),
                author.token());

        for (JsonNode shown : List.of(api.get("/articles/" + slug).at("/article/author"),
                api.get("/articles?tag=" + tag).at("/articles/0/author"),
                api.get("/articles/feed", reader.token()).at("/articles/0/author"),
                api.get("/articles/" + slug + "/comments").at("/comments/0/author"),
                api.get("/profiles/" + newName).at("/profile"))) {
            assertThat(shown.get("username").asText()).isEqualTo(newName);
            assertThat(shown.get("bio").asText()).isEqualTo("new bio");
            assertThat(shown.get("image").asText()).isEqualTo("https://example.com/a.png");
        }
        api.get("/profiles/" + author.username()).assertError(404, "profile", "not found");
        assertThat(api.get("/articles?author=" + author.username()).at("/articlesCount").asInt()).isZero();
        assertThat(slugs(api.get("/articles?author=" + newName))).containsExactly(slug);
    }

    @Test
    void aNewOrDeletedCommentShowsInTheList() {
        long id = api.comment(reader, slug, "hello");
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isEqualTo(1);

        api.delete("/articles/" + slug + "/comments/" + id, reader.token());
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();
    }

    /** Reads every answer the tests above check, as the reader and anonymously, so each is cached. */
    private void readEverything() {
        for (String token : new String[] {null, reader.token()}) {
            api.get("/articles/" + slug, token);
            api.get("/articles/" + slug + "/comments", token);
            api.get("/articles?limit=100", token);
            api.get("/articles?author=" + author.username(), token);
            api.get("/articles?tag=" + tag, token);
            api.get("/articles?favorited=" + reader.username(), token);
            api.get("/profiles/" + author.username(), token);
            api.get("/tags", token);
        }
        api.get("/articles/feed", reader.token());
    }

    private static List<String> slugs(Api.Response page) {
        var slugs = new ArrayList<String>();
        page.at("/articles").forEach(article -> slugs.add(article.get("slug").asText()));
        return slugs;
    }

    private static List<String> texts(JsonNode array) {
        var texts = new ArrayList<String>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}

package dev.conduit.articles;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conduit.Api;
import dev.conduit.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArticlesTest {
    private final Api api = TestServer.api();

    @Test
    void createReturnsTheFullArticleWithTagsSortedByName() {
        var author = api.register("writer");
        String title = "How to " + Api.unique("train");

        var res = api.post("/articles", wrap("article", "title", title, "description", "desc", "body", "text",
                "tagList", List.of("zeta", "alpha", "zeta", " beta ")), author.token());

        assertThat(res.status()).isEqualTo(201);
        var article = res.at("/article");
        assertThat(article.get("slug").asText()).isEqualTo(title.toLowerCase().replaceAll("[ _]", "-"));
        assertThat(article.get("title").asText()).isEqualTo(title);
        assertThat(article.get("body").asText()).isEqualTo("text");
        assertThat(texts(article.get("tagList"))).containsExactly("alpha", "beta", "zeta");
        assertThat(article.get("createdAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(article.get("favorited").asBoolean()).isFalse();
        assertThat(article.get("favoritesCount").asInt()).isZero();
        assertThat(article.at("/author/username").asText()).isEqualTo(author.username());
        assertThat(article.at("/author/following").asBoolean()).isFalse();
    }

    @Test
    void sameTitleGetsDistinctSlugsAndOddTitlesStillGetOne() {
        var author = api.register("dupes");
        String title = "Same " + Api.unique("title");

        String first = api.createArticle(author, title, List.of());
        String second = api.createArticle(author, title, List.of());
        String unicode = api.createArticle(author, "Ünïcödé " + title, List.of());
        String noAscii = api.createArticle(author, "日本語", List.of());
        String feed = api.createArticle(author, "Feed", List.of());

        assertThat(second).isNotEqualTo(first).startsWith(first + "-");
        assertThat(unicode).startsWith("unicode-same-");
        assertThat(noAscii).startsWith("article");
        assertThat(feed).isNotEqualTo("feed");
        assertThat(api.get("/articles/" + feed).status()).isEqualTo(200);
    }

    @Test
    void getIsPublicAndShowsTheViewersFlags() {
        var author = api.register("pub");
        var reader = api.register("reader");
        String slug = api.createArticle(author, Api.unique("Public"), List.of());
        api.post("/articles/" + slug + "/favorite", null, reader.token());
        api.post("/profiles/" + author.username() + "/follow", null, reader.token());

        var anonymous = api.get("/articles/" + slug);
        var asReader = api.get("/articles/" + slug, reader.token());

        assertThat(anonymous.at("/article/favorited").asBoolean()).isFalse();
        assertThat(anonymous.at("/article/author/following").asBoolean()).isFalse();
        assertThat(anonymous.at("/article/favoritesCount").asInt()).isEqualTo(1);
        assertThat(asReader.at("/article/favorited").asBoolean()).isTrue();
        assertThat(asReader.at("/article/author/following").asBoolean()).isTrue();
    }

    @Test
    void listsAreNewestFirstWithoutBodiesAndCountAllMatches() {
        var author = api.register("lister");
        var slugs = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            slugs.add(api.createArticle(author, Api.unique("List " + i), List.of()));
        }

        var page = api.get("/articles?author=" + author.username() + "&limit=2");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.at("/articlesCount").asInt()).isEqualTo(3);
        assertThat(slugsOf(page)).containsExactly(slugs.get(2), slugs.get(1));
        assertThat(page.at("/articles/0").has("body")).isFalse();

        var next = api.get("/articles?author=" + author.username() + "&limit=2&offset=2");
        assertThat(slugsOf(next)).containsExactly(slugs.get(0));
        assertThat(next.at("/articlesCount").asInt()).isEqualTo(3);

        var beyond = api.get("/articles?author=" + author.username() + "&offset=10");
        assertThat(beyond.at("/articles").size()).isZero();
        assertThat(beyond.at("/articlesCount").asInt()).isEqualTo(3);
    }

    @Test
    void listFiltersByTagAuthorAndFavoriterAndCombinesThem() {
        var author = api.register("filt");
        var other = api.register("filt2");
        var fan = api.register("filtfan");
        String tag = Api.unique("tag");
        String tagged = api.createArticle(author, Api.unique("Tagged"), List.of(tag));
        String untagged = api.createArticle(author, Api.unique("Untagged"), List.of());
        String othersTagged = api.createArticle(other, Api.unique("Others"), List.of(tag));
        api.post("/articles/" + untagged + "/favorite", null, fan.token());
        api.post("/articles/" + othersTagged + "/favorite", null, fan.token());

        assertThat(slugsOf(api.get("/articles?tag=" + tag))).containsExactlyInAnyOrder(tagged, othersTagged);
        assertThat(slugsOf(api.get("/articles?author=" + author.username())))
                .containsExactlyInAnyOrder(tagged, untagged);
        assertThat(slugsOf(api.get("/articles?favorited=" + fan.username())))
                .containsExactlyInAnyOrder(untagged, othersTagged);
        assertThat(slugsOf(api.get("/articles?tag=" + tag + "&author=" + author.username())))
                .containsExactly(tagged);
        assertThat(slugsOf(api.get("/articles?tag=" + tag + "&favorited=" + fan.username())))
                .containsExactly(othersTagged);
        var none = api.get("/articles?author=no-such-author-xyz");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.at("/articlesCount").asInt()).isZero();
    }

    @Test
    void feedHoldsOnlyFollowedAuthorsAndNeedsAuth() {
        var reader = api.register("feeder");
        var followed = api.register("followed");
        var ignored = api.register("ignored");
        api.post("/profiles/" + followed.username() + "/follow", null, reader.token());
        String wanted = api.createArticle(followed, Api.unique("Wanted"), List.of());
        api.createArticle(ignored, Api.unique("Unwanted"), List.of());

        var feed = api.get("/articles/feed", reader.token());
        assertThat(feed.status()).isEqualTo(200);
        assertThat(slugsOf(feed)).containsExactly(wanted);
        assertThat(feed.at("/articlesCount").asInt()).isEqualTo(1);
        assertThat(feed.at("/articles/0/author/following").asBoolean()).isTrue();
        assertThat(feed.at("/articles/0").has("body")).isFalse();

        api.get("/articles/feed").assertError(401, "token", "is missing");
    }

    @Test
    void updateChangesOnlyWhatIsSentAndANewTitleANewSlug() throws Exception {
        var author = api.register("editor");
        var created = api.post("/articles", wrap("article", "title", Api.unique("Draft"), "description", "d",
                "body", "b", "tagList", List.of("one", "two")), author.token()).at("/article");
        String slug = created.get("slug").asText();
        Thread.sleep(5);

        var bodyOnly = api.put("/articles/" + slug, wrap("article", "body", "new body"), author.token());
        assertThat(bodyOnly.status()).isEqualTo(200);
        assertThat(bodyOnly.text("/article/slug")).isEqualTo(slug);
        assertThat(bodyOnly.text("/article/body")).isEqualTo("new body");
        assertThat(texts(bodyOnly.at("/article/tagList"))).containsExactly("one", "two");
        assertThat(bodyOnly.text("/article/createdAt")).isEqualTo(created.get("createdAt").asText());
        assertThat(bodyOnly.text("/article/updatedAt")).isNotEqualTo(created.get("updatedAt").asText());

        String newTitle = Api.unique("Final");
        var retitled = api.put("/articles/" + slug, wrap("article", "title", newTitle,
                "tagList", List.of("three", "Four", "four")), author.token());
        String newSlug = retitled.text("/article/slug");
        assertThat(newSlug).isEqualTo(newTitle.toLowerCase().replace('_', '-'));
        assertThat(texts(retitled.at("/article/tagList"))).containsExactly("Four", "four", "three");
        api.get("/articles/" + slug).assertError(404, "article", "not found");
        assertThat(api.get("/articles/" + newSlug).text("/article/description")).isEqualTo("d");

        var cleared = api.put("/articles/" + newSlug, wrap("article", "tagList", List.of()), author.token());
        assertThat(cleared.at("/article/tagList").size()).isZero();
    }

    @Test
    void updateRejectsNullsBlanksAndEmptyChanges() {
        var author = api.register("strict");
        String slug = api.createArticle(author, Api.unique("Strict"), List.of("keep"));
        var nullTags = new HashMap<String, Object>();
        nullTags.put("tagList", null);
        var nullTitle = new HashMap<String, Object>();
        nullTitle.put("title", null);

        api.put("/articles/" + slug, Map.of("article", nullTags), author.token())
                .assertError(422, "tagList", "must be an array of strings (use [] to remove all tags)");
        api.put("/articles/" + slug, Map.of("article", nullTitle), author.token())
                .assertError(422, "title", "can't be blank");
        api.put("/articles/" + slug, wrap("article", "body", "  "), author.token())
                .assertError(422, "body", "can't be blank");
        api.put("/articles/" + slug, wrap("article"), author.token())
                .assertError(422, "article", "must contain at least one field to change");

        var after = api.get("/articles/" + slug);
        assertThat(texts(after.at("/article/tagList"))).containsExactly("keep");
        assertThat(after.text("/article/body")).startsWith("All about");
    }

    @Test
    void onlyTheAuthorMayUpdateOrDelete() {
        var author = api.register("owner");
        var intruder = api.register("intruder");
        String slug = api.createArticle(author, Api.unique("Mine"), List.of());

        var update = api.put("/articles/" + slug, wrap("article", "body", "hijacked"), intruder.token());
        var delete = api.delete("/articles/" + slug, intruder.token());

        update.assertError(403, "article", "forbidden");
        delete.assertError(403, "article", "forbidden");
        assertThat(api.get("/articles/" + slug).text("/article/body")).startsWith("All about");
        api.put("/articles/" + slug, wrap("article", "body", "x"), null).assertError(401, "token", "is missing");
        api.delete("/articles/" + slug, null).assertError(401, "token", "is missing");
    }

    @Test
    void deleteRemovesTheArticleWithItsCommentsFavoritesAndTags() {
        var author = api.register("deleter");
        var fan = api.register("delfan");
        String tag = Api.unique("gone");
        String slug = api.createArticle(author, Api.unique("Doomed"), List.of(tag));
        api.post("/articles/" + slug + "/favorite", null, fan.token());
        api.post("/articles/" + slug + "/comments", wrap("comment", "body", "bye"), fan.token());

        var res = api.delete("/articles/" + slug, author.token());

        assertThat(res.status()).isEqualTo(204);
        assertThat(res.body()).isEmpty();
        api.get("/articles/" + slug).assertError(404, "article", "not found");
        api.get("/articles/" + slug + "/comments").assertError(404, "article", "not found");
        assertThat(api.get("/articles?favorited=" + fan.username()).at("/articlesCount").asInt()).isZero();
        assertThat(texts(api.get("/tags").at("/tags"))).doesNotContain(tag);
        api.delete("/articles/" + slug, author.token()).assertError(404, "article", "not found");
    }

    @Test
    void createValidatesEveryField() {
        var author = api.register("validator");

        var blank = api.post("/articles", wrap("article", "title", "", "description", " ", "body", ""),
                author.token());
        blank.assertErrors(422, Map.of("title", List.of("can't be blank"), "description", List.of("can't be blank"),
                "body", List.of("can't be blank")));

        var tooLong = api.post("/articles", wrap("article", "title", "t".repeat(Articles.MAX_TITLE + 1),
                "description", "d".repeat(Articles.MAX_DESCRIPTION + 1), "body", "b".repeat(Articles.MAX_BODY + 1)),
                author.token());
        tooLong.assertErrors(422, Map.of("title", List.of("is too long (maximum is 200 characters)"),
                "description", List.of("is too long (maximum is 1000 characters)"),
                "body", List.of("is too long (maximum is 100000 characters)")));

        var manyTags = new ArrayList<String>();
        for (int i = 0; i <= Tags.MAX_TAGS; i++) {
            manyTags.add("t" + i);
        }
        api.post("/articles", wrap("article", "title", "x", "description", "d", "body", "b", "tagList", manyTags),
                author.token()).assertError(422, "tagList", "can have at most 20 tags");

        api.post("/articles", wrap("article", "title", "x", "description", "d", "body", "b",
                "tagList", List.of("ok", " ")), author.token()).assertError(422, "tagList", "can't contain blank tags");

        api.post("/articles", wrap("article", "title", "x", "description", "d", "body", "b",
                "tagList", "not-a-list"), author.token()).assertError(422, "tagList", "must be an array of strings");

        assertThat(api.get("/articles?author=" + author.username()).at("/articlesCount").asInt()).isZero();
    }

    @Test
    void favoritesCountEachUserOnceAndShowPerViewer() {
        var author = api.register("favauthor");
        var first = api.register("fav1");
        var second = api.register("fav2");
        String slug = api.createArticle(author, Api.unique("Liked"), List.of());

        var liked = api.post("/articles/" + slug + "/favorite", null, first.token());
        assertThat(liked.status()).isEqualTo(200);
        assertThat(liked.at("/article/favorited").asBoolean()).isTrue();
        assertThat(liked.at("/article/favoritesCount").asInt()).isEqualTo(1);
        assertThat(api.post("/articles/" + slug + "/favorite", null, first.token())
                .at("/article/favoritesCount").asInt()).isEqualTo(1);
        assertThat(api.post("/articles/" + slug + "/favorite", null, second.token())
                .at("/article/favoritesCount").asInt()).isEqualTo(2);

        var unliked = api.delete("/articles/" + slug + "/favorite", first.token());
        assertThat(unliked.at("/article/favorited").asBoolean()).isFalse();
        assertThat(unliked.at("/article/favoritesCount").asInt()).isEqualTo(1);
        assertThat(api.delete("/articles/" + slug + "/favorite", first.token())
                .at("/article/favoritesCount").asInt()).isEqualTo(1);
        assertThat(api.get("/articles/" + slug, second.token()).at("/article/favorited").asBoolean()).isTrue();

        api.post("/articles/no-such-slug-xyz/favorite", null, first.token()).assertError(404, "article", "not found");
        api.delete("/articles/no-such-slug-xyz/favorite", first.token()).assertError(404, "article", "not found");
        api.post("/articles/" + slug + "/favorite", null, null).assertError(401, "token", "is missing");
    }

    @Test
    void tagsListsTheTagsInUse() {
        var author = api.register("tagger");
        String tag = Api.unique("fresh");
        api.createArticle(author, Api.unique("With tag"), List.of(tag));

        var res = api.get("/tags");

        assertThat(res.status()).isEqualTo(200);
        assertThat(texts(res.at("/tags"))).contains(tag).doesNotHaveDuplicates();
    }

    static List<String> texts(JsonNode array) {
        var values = new ArrayList<String>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    static List<String> slugsOf(Api.Response page) {
        var slugs = new ArrayList<String>();
        page.at("/articles").forEach(article -> slugs.add(article.get("slug").asText()));
        return slugs;
    }
}

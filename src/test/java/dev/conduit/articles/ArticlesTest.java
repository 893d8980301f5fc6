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
    void createReturnsTheFullArticleWithTagsInTheOrderGiven() {
        var author = api.register("writer");
        String title = "How to " + Api.unique("train");

        var res = api.post("/articles", wrap("article", "title", title, "description", "desc", "body", "text",
                "tagList", List.of("zeta", "alpha", "zeta", " beta ")), author.token());

        assertThat(res.status()).isEqualTo(201);
        var article = res.at("/article");
        assertThat(article.get("slug").asText()).isEqualTo(title.toLowerCase().replaceAll("[ _]", "-"));
        assertThat(article.get("title").asText()).isEqualTo(title);
        assertThat(article.get("body").asText()).isEqualTo("text");
        assertThat(texts(article.get("tagList"))).containsExactly("zeta", "alpha", "beta");
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

        assertThat(api.get("/articles/feed").status()).isEqualTo(401);
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
        var retitled = api.put("/articles/" + slug, wrap("article", "title", newTitle, "tagList", List.of("three")),
                author.token());
        String newSlug = retitled.text("/article/slug");
        assertThat(newSlug).isEqualTo(newTitle.toLowerCase().replace('_', '-'));
        assertThat(texts(retitled.at("/article/tagList"))).containsExactly("three");
        assertThat(api.get("/articles/" + slug).status()).isEqualTo(404);
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

        assertThat(api.put("/articles/" + slug, Map.of("article", nullTags), author.token()).status()).isEqualTo(422);
        assertThat(api.put("/articles/" + slug, Map.of("article", nullTitle), author.token()).status())
                .isEqualTo(422);
        assertThat(api.put("/articles/" + slug, wrap("article", "body", "  "), author.token()).status())
                .isEqualTo(422);
        assertThat(api.put("/articles/" + slug, wrap("article"), author.token()).status()).isEqualTo(422);

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

        assertThat(update.status()).isEqualTo(403);
        assertThat(update.text("/errors/article/0")).isEqualTo("forbidden");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(api.get("/articles/" + slug).text("/article/body")).startsWith("All about");
        assertThat(api.put("/articles/" + slug, wrap("article", "body", "x"), null).status()).isEqualTo(401);
        assertThat(api.delete("/articles/" + slug, null).status()).isEqualTo(401);
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
        assertThat(api.get("/articles/" + slug).status()).isEqualTo(404);
        assertThat(api.get("/articles/" + slug + "/comments").status()).isEqualTo(404);
        assertThat(api.get("/articles?favorited=" + fan.username()).at("/articlesCount").asInt()).isZero();
        assertThat(texts(api.get("/tags").at("/tags"))).doesNotContain(tag);
        assertThat(api.delete("/articles/" + slug, author.token()).status()).isEqualTo(404);
    }

    @Test
    void createValidatesEveryField() {
        var author = api.register("validator");

        var blank = api.post("/articles", wrap("article", "title", "", "description", " ", "body", ""),
                author.token());
        assertThat(blank.status()).isEqualTo(422);
        assertThat(blank.text("/errors/title/0")).isEqualTo("can't be blank");
        assertThat(blank.text("/errors/description/0")).isEqualTo("can't be blank");
        assertThat(blank.text("/errors/body/0")).isEqualTo("can't be blank");

        var tooLong = api.post("/articles", wrap("article", "title", "t".repeat(Articles.MAX_TITLE + 1),
                "description", "d", "body", "b"), author.token());
        assertThat(tooLong.text("/errors/title/0")).contains("too long");

        var manyTags = new ArrayList<String>();
        for (int i = 0; i <= Articles.MAX_TAGS; i++) {
            manyTags.add("t" + i);
        }
        var tags = api.post("/articles", wrap("article", "title", "x", "description", "d", "body", "b",
                "tagList", manyTags), author.token());
        assertThat(tags.status()).isEqualTo(422);
        assertThat(tags.text("/errors/tagList/0")).contains("at most");

        var blankTag = api.post("/articles", wrap("article", "title", "x", "description", "d", "body", "b",
                "tagList", List.of("ok", " ")), author.token());
        assertThat(blankTag.text("/errors/tagList/0")).isEqualTo("can't contain blank tags");

        var wrongType = api.post("/articles", wrap("article", "title", "x", "description", "d", "body", "b",
                "tagList", "not-a-list"), author.token());
        assertThat(wrongType.status()).isEqualTo(422);
        assertThat(wrongType.text("/errors/tagList/0")).contains("array of strings");

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

        assertThat(api.post("/articles/no-such-slug-xyz/favorite", null, first.token()).status()).isEqualTo(404);
        assertThat(api.post("/articles/" + slug + "/favorite", null, null).status()).isEqualTo(401);
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

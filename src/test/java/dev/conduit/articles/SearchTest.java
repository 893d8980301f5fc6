package dev.conduit.articles;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code GET /api/articles?q=}: PostgreSQL's full-text search over title, description, body and tags. */
class SearchTest {
    private static final Random RANDOM = new Random();
    private final Api api = TestServer.api();

    @Test
    void findsTheWordsInEveryFieldAndRanksTitleAndTagsAboveDescriptionAboveBody() {
        String word = word();
        var author = api.register("search");
        String inBody = create(author, "Plain title", "plain", "Somewhere down here: " + word + ".", List.of());
        String inDescription = create(author, "Another title", "about " + word, "nothing", List.of());
        String inTitle = create(author, "The " + word + " story", "plain", "nothing", List.of());
        String inTag = create(author, "Tagged", "plain", "nothing", List.of(word));
        create(author, "Unrelated", "plain", "nothing at all", List.of("other"));

        var found = api.get("/articles?q=" + word);

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.at("/articlesCount").asInt()).isEqualTo(4);
        assertThat(slugs(found).subList(0, 2)).containsExactlyInAnyOrder(inTitle, inTag);
        assertThat(slugs(found).subList(2, 4)).containsExactly(inDescription, inBody);
        assertThat(found.text("/articles/3/snippet")).contains("<mark>" + word + "</mark>");
        assertThat(found.at("/articles/3/body").isMissingNode()).isTrue();
        assertThat(found.at("/articles/3/author/username").asText()).isEqualTo(author.username());
    }

    @Test
    void aWordDeepInALongBodyIsFoundAndRanksBelowOneInABodysOpening() {
        // ranking reads the body's opening only (V8); matching reads all of it
        String word = word();
        var author = api.register("search");
        String early = create(author, "Early", "plain", word + " first, then a little filler.", List.of());
        String deep = create(author, "Deep", "plain", "Filler text. ".repeat(7_000) + word + ".", List.of());

        var found = api.get("/articles?q=" + word);

        assertThat(slugs(found)).containsExactly(early, deep);
        assertThat(found.text("/articles/1/snippet")).contains("<mark>" + word + "</mark>");
    }

    @Test
    void everyWordMustMatchTheLastAlsoAsAPrefixAndWordsAreStemmed() {
        String word = word();
        // a prefix that ends in "y" stems to one ending in "i", which no longer begins the stemmed whole word
        String withY = word.substring(0, 5) + "y" + word.substring(6);
        var author = api.register("search");
        String slug = create(author, word + " " + withY + " publishing", "d", "Virtual threads, blocking code.",
                List.of());

        assertThat(slugs(api.get("/articles?q=" + word + "%20virt"))).containsExactly(slug);
        assertThat(slugs(api.get("/articles?q=" + word.substring(0, 6)))).contains(slug);
        assertThat(slugs(api.get("/articles?q=" + withY.substring(0, 6)))).contains(slug);
        assertThat(slugs(api.get("/articles?q=" + word + "%20published"))).containsExactly(slug);
        assertThat(slugs(api.get("/articles?q=" + word + "-virtual,%20THREADS!"))).containsExactly(slug);
        assertThat(api.get("/articles?q=" + word + "%20" + word()).at("/articlesCount").asInt()).isZero();
    }

    @Test
    void combinesWithTheFiltersAndPagesLikeAnyList() {
        String word = word();
        var writer = api.register("search");
        var other = api.register("search");
        var reader = api.register("search");
        var mine = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            mine.add(create(writer, word + " " + i, "d", "b", List.of("t" + word)));
        }
        create(other, word + " theirs", "d", "b", List.of());
        api.post("/articles/" + mine.get(1) + "/favorite", null, reader.token());

        assertThat(api.get("/articles?q=" + word).at("/articlesCount").asInt()).isEqualTo(4);
        assertThat(slugs(api.get("/articles?q=" + word + "&author=" + writer.username())))
                .containsExactlyInAnyOrderElementsOf(mine);
        assertThat(api.get("/articles?q=" + word + "&tag=t" + word).at("/articlesCount").asInt()).isEqualTo(3);
        var favorited = api.get("/articles?q=" + word + "&favorited=" + reader.username(), reader.token());
        assertThat(slugs(favorited)).containsExactly(mine.get(1));
        assertThat(favorited.at("/articles/0/favorited").asBoolean()).isTrue();
        assertThat(api.get("/articles?q=" + word + "&author=" + Api.unique("nobody")).at("/articlesCount").asInt())
                .isZero();

        var all = slugs(api.get("/articles?q=" + word + "&limit=4"));
        var page = api.get("/articles?q=" + word + "&limit=2&offset=1");
        assertThat(page.at("/articlesCount").asInt()).isEqualTo(4);
        assertThat(slugs(page)).containsExactlyElementsOf(all.subList(1, 3));
        var beyond = api.get("/articles?q=" + word + "&offset=10");
        assertThat(slugs(beyond)).isEmpty();
        assertThat(beyond.at("/articlesCount").asInt()).isEqualTo(4);
    }

    @Test
    void theIndexFollowsEveryEditTagChangeAndDeletion() {
        String word = word();
        String later = word();
        var author = api.register("search");
        String slug = create(author, word, "d", "b", List.of("first" + word));

        slug = api.put("/articles/" + slug, wrap("article", "title", "Renamed", "tagList", List.of(later)),
                author.token()).text("/article/slug");
        assertThat(slugs(api.get("/articles?q=" + word))).isEmpty();
        assertThat(slugs(api.get("/articles?q=first" + word))).isEmpty();
        assertThat(slugs(api.get("/articles?q=" + later))).containsExactly(slug);

        api.put("/articles/" + slug, wrap("article", "body", "now about " + word), author.token());
        assertThat(slugs(api.get("/articles?q=" + word))).containsExactly(slug);
        assertThat(slugs(api.get("/articles?q=" + later))).containsExactly(slug);

        api.delete("/articles/" + slug, author.token());
        assertThat(slugs(api.get("/articles?q=" + word))).isEmpty();
    }

    @Test
    void theSnippetIsEscapedHtmlWithOnlyTheMatchesMarked() {
        String word = word();
        var author = api.register("search");
        create(author, "Escaped", "d", "If a < b & c > d, \"" + word + "\" <script>alert(1)</script> "
                + "<b onclick=x>bold</b> \uE000not marked\uE001 and " + word + " again.", List.of());

        String snippet = api.get("/articles?q=" + word).text("/articles/0/snippet");

        assertThat(snippet).contains("<mark>" + word + "</mark>").contains("not marked")
                .doesNotContain("<script", "<b", "onclick=x>", "\uE000", "\uE001");
        assertThat(snippet.replace("<mark>", "").replace("</mark>", "")).doesNotContain("<", ">");
    }

    @Test
    void snippetsAreEscapedTextWithTheMarksAsTheOnlyTags() {
        assertThat(Search.html("a < b & \"c\" 'x' \uE000d\uE001")).isEqualTo(
                "a &lt; b &amp; &quot;c&quot; &#39;x&#39; <mark>d</mark>");
    }

    @Test
    void aQueryTooLongIsRefusedAndOneWithoutWordsFindsNothing() {
        api.get("/articles?q=" + "a".repeat(201)).assertError(422, "q", "must be at most 200 characters");
        api.get("/articles?q=a%00b").assertError(422, "q", "must not contain NUL characters");
        var none = api.get("/articles?q=%21%21%20%2A");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.at("/articlesCount").asInt()).isZero();
        // blank: no search, the plain list
        assertThat(api.get("/articles?q=%20").at("/articlesCount").asInt())
                .isEqualTo(api.get("/articles").at("/articlesCount").asInt());
    }

    private String create(Api.User author, String title, String description, String body, List<String> tags) {
        var created = api.post("/articles", wrap("article", "title", title, "description", description, "body", body,
                "tagList", tags), author.token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("/article/slug");
    }

    private static List<String> slugs(Api.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var slugs = new ArrayList<String>();
        response.at("/articles").forEach(article -> slugs.add(article.get("slug").asText()));
        return slugs;
    }

    /** A word no other article has: letters only, so the text search reads it as one word. */
    private static String word() {
        var word = new StringBuilder("zq");
        for (int i = 0; i < 10; i++) {
            word.append((char) ('a' + RANDOM.nextInt(26)));
        }
        return word.toString();
    }
}

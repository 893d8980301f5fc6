package dev.conduit.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The pages as a browser without JavaScript reads and uses them: lists, articles, the editor, the actions. */
class SitePagesTest {
    @Test
    void theHomePageListsTheLatestArticlesAndTheTagsAndFiltersByTag() {
        var api = TestServer.api();
        String tag = Api.unique("tag");
        String title = Api.unique("Home page article");
        api.createArticle(api.register("web"), title, List.of(tag));
        var anonymous = new Visitor();

        var home = anonymous.get("/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(home.html().select(".article-preview h1").eachText()).contains(title);
        assertThat(home.html().select("nav").text()).contains("Sign in", "Sign up");

        var byTag = anonymous.get("/?tag=" + tag);
        assertThat(byTag.html().select(".article-preview h1").eachText()).containsExactly(title);
        assertThat(byTag.html().select(".feed-toggle .nav-link.active").text()).isEqualTo(tag);
    }

    @Test
    void theSearchBoxFindsArticlesAndShowsWhereTheWordsMatched() {
        var api = TestServer.api();
        String word = "zqsite" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "x");
        var author = api.register("web");
        var created = api.post("/articles", Api.wrap("article", "title", "Found by search", "description", "d",
                "body", "Before <em>" + word + "</em> after.", "tagList", List.of()), author.token());
        assertThat(created.status()).isEqualTo(201);
        var anonymous = new Visitor();

        var form = anonymous.get("/").html().select("form[role=search]");
        assertThat(form.attr("action")).isEqualTo("/");
        assertThat(form.select("input[type=search]").attr("name")).isEqualTo("q");

        var results = anonymous.get("/?q=" + word);
        assertThat(results.status()).isEqualTo(200);
        assertThat(results.html().select(".article-preview h1").eachText()).containsExactly("Found by search");
        assertThat(results.html().select(".feed-toggle .nav-link.active").text()).isEqualTo(word);
        assertThat(results.html().select("input[type=search]").val()).isEqualTo(word);
        var snippet = results.html().select(".article-preview .snippet").first();
        assertThat(snippet.select("mark").text()).isEqualTo(word);
        assertThat(snippet.select("em")).isEmpty(); // only the marks are markup

        var none = anonymous.get("/?q=" + word + "x%20" + word + "y");
        assertThat(none.html().select(".article-preview").text()).isEqualTo("No article has all of these words.");
    }

    @Test
    void anAnonymousPageIsTheSameForEveryoneAndCarriesAnEntityTagAndItsPolicy() {
        var page = new Visitor().get("/");
        String etag = page.headers().firstValue("ETag").orElseThrow();
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.html().select("input[name=csrf]")).isEmpty();
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");

        var again = new Visitor().get("/", Map.of("If-None-Match", etag));
        assertThat(again.status()).isEqualTo(304);
        // pages are for their own origin: no CORS, which is the API's
        assertThat(new Visitor().get("/", Map.of("Origin", "https://elsewhere.example")).headers()
                .firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void pagesAreGzippedForBrowsersThatAcceptIt() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Visitor.base() + "/"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String html = new String(new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes());
        assertThat(html).contains("<html lang=\"en\">");
    }

    @Test
    void pagesKeptForAnonymousVisitorsFollowEveryChangeTheyShow() {
        // anonymous pages are kept rendered (SharedPages): each write below must show on the very next view
        var api = TestServer.api();
        var author = api.register("kept");
        var reader = api.register("kept");
        String title = Api.unique("Kept");
        String slug = api.createArticle(author, title, List.of("kept"));
        String path = "/article/" + slug;
        String profile = "/profile/" + author.username();
        assertThat(new Visitor().get("/").html().select(".article-preview h1").eachText()).contains(title);
        assertThat(new Visitor().get(profile).html().select(".article-preview h1").eachText()).contains(title);
        assertThat(new Visitor().get(path).html().select(".card-text").eachText()).isEmpty();
        assertThat(new Visitor().get(path).html().select(".article-meta .counter").eachText()).containsOnly("0");

        api.comment(reader, slug, "A kept comment");
        assertThat(new Visitor().get(path).html().select(".card-text").eachText()).containsExactly("A kept comment");

        api.post("/articles/" + slug + "/favorite", null, reader.token());
        assertThat(new Visitor().get(path).html().select(".article-meta .counter").eachText()).containsOnly("1");

        String edited = Api.unique("Edited");
        var renamed = api.put("/articles/" + slug, Api.wrap("article", "title", edited), author.token());
        path = "/article/" + renamed.text("/article/slug");
        assertThat(new Visitor().get(path).html().select(".banner h1").text()).isEqualTo(edited);
        assertThat(new Visitor().get("/").html().select(".article-preview h1").eachText()).contains(edited)
                .doesNotContain(title);

        api.put("/user", Api.wrap("user", "bio", "A bio kept nowhere stale"), author.token());
        assertThat(new Visitor().get(profile).html().text()).contains("A bio kept nowhere stale");

        api.delete("/articles/" + renamed.text("/article/slug"), author.token());
        assertThat(new Visitor().get(path).status()).isEqualTo(404);
        assertThat(new Visitor().get(profile).html().select(".article-preview h1").eachText()).doesNotContain(edited);
    }

    @Test
    void aChangeDropsOnlyTheKeptPagesThatShowIt() {
        // a site with steady comments and favorites keeps its other article pages (the old way dropped them all)
        var api = TestServer.api();
        var author = api.register("only");
        var reader = api.register("only");
        String quiet = Api.unique("Quiet");
        String busy = Api.unique("Busy");
        String quietSlug = api.createArticle(author, quiet, List.of("only"));
        String busySlug = api.createArticle(author, busy, List.of("only"));
        new Visitor().get("/article/" + quietSlug);
        new Visitor().get("/article/" + busySlug);
        new Visitor().get("/");
        assertThat(kept("web.article_pages")).anyMatch(html -> html.contains(quiet)).anyMatch(html -> html.contains(busy));
        assertThat(kept("web.list_pages")).anyMatch(html -> html.contains(busy));

        api.comment(reader, busySlug, "A comment on one page");
        assertThat(kept("web.article_pages")).anyMatch(html -> html.contains(quiet)).noneMatch(html -> html.contains(busy));
        assertThat(kept("web.list_pages")).as("lists show no comments").anyMatch(html -> html.contains(busy));

        new Visitor().get("/article/" + busySlug);
        api.post("/articles/" + busySlug + "/favorite", null, reader.token());
        assertThat(kept("web.article_pages")).anyMatch(html -> html.contains(quiet)).noneMatch(html -> html.contains(busy));
        assertThat(kept("web.list_pages")).as("lists show favorite counts").isEmpty();
    }

    /** The pages a cache of the site holds now. */
    private static List<String> kept(String cache) {
        return TestServer.app().caches().stream().filter(c -> c.name().equals(cache)).findFirst().orElseThrow()
                .snapshot().values().stream().map(html -> new String((byte[]) html, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aLongArticlesPageArrivesWholeAndTheSameGzippedAndTagged() throws Exception {
        // sent in the pieces it was rendered to: its length is declared first, and every piece must follow
        var author = new Visitor().signUp(Api.unique("web"));
        String paragraph = "Crème brûlée — a paragraph of **words**, ünïcödé and 😀 included.\n\n";
        int paragraphs = 99_000 / paragraph.length();
        var created = author.submit("/editor", "/editor", Map.of("title", Api.unique("Long"),
                "description", "long", "body", paragraph.repeat(paragraphs), "tags", ""));
        assertThat(created.status()).isEqualTo(303);
        var client = HttpClient.newHttpClient();
        var page = HttpRequest.newBuilder(URI.create(Visitor.base() + created.location()));

        var plain = client.send(page.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValueAsLong("Content-Length")).hasValue(plain.body().length);
        String html = new String(plain.body(), StandardCharsets.UTF_8);
        assertThat(html.strip()).endsWith("</html>");
        var article = Jsoup.parse(html).select(".article-body p");
        assertThat(article).hasSize(paragraphs);
        assertThat(article.last().text()).isEqualTo("Crème brûlée — a paragraph of words, ünïcödé and 😀 included.");

        var gzipped = client.send(page.copy().header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes())
                .isEqualTo(plain.body());

        String etag = plain.headers().firstValue("ETag").orElseThrow();
        var again = client.send(page.copy().header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void anArticleIsWrittenInTheEditorRenderedFromMarkdownAndOnlyItsAuthorMayEditOrDeleteIt() {
        String name = Api.unique("web");
        var author = new Visitor().signUp(name);
        String title = Api.unique("Markdown");

        var created = author.submit("/editor", "/editor", Map.of("title", title, "description", "Formatting",
                "body", "# A heading\n\nSome **bold** text and a [link](https://example.com).\n\n```java\ncode\n```",
                "tags", "web, markdown"));

        assertThat(created.status()).isEqualTo(303);
        String path = created.location();
        assertThat(path).startsWith("/article/");
        var page = author.get(path).html();
        assertThat(page.select(".banner h1").text()).isEqualTo(title);
        var body = page.select(".article-body").first();
        assertThat(body.select("h1").text()).isEqualTo("A heading");
        assertThat(body.select("strong").text()).isEqualTo("bold");
        assertThat(body.select("a").attr("href")).isEqualTo("https://example.com");
        assertThat(body.select("pre code").text()).isEqualTo("code");
        assertThat(body.select("pre code").attr("class")).isEqualTo("language-java");
        assertThat(page.select(".article-content .tag-list li").eachText())
                .containsExactlyInAnyOrder("web", "markdown");
        assertThat(page.select("a[href=/editor" + path.substring("/article".length()) + "]")).hasSize(2);
        assertThat(page.select("meta[property=og:title]").attr("content")).isEqualTo(title);

        var reader = new Visitor().signUp(Api.unique("web"));
        var asReader = reader.get(path).html();
        assertThat(asReader.select(".article-meta").text()).doesNotContain("Edit Article", "Delete Article")
                .contains("Follow " + name, "Favorite Article");
        assertThat(reader.get("/editor" + path.substring("/article".length())).status()).isEqualTo(403);
        assertThat(reader.submit(path, path + "/delete", Map.of()).status()).isEqualTo(403);

        String slug = path.substring("/article/".length());
        var edited = author.submit("/editor/" + slug, "/editor/" + slug, Map.of("title", title,
                "description", "Formatting, edited", "body", "Shorter.", "tags", "web"));
        assertThat(edited.status()).isEqualTo(303);
        assertThat(author.get(edited.location()).html().select(".article-body").text()).isEqualTo("Shorter.");

        var deleted = author.submit(edited.location(), edited.location() + "/delete", Map.of());
        assertThat(deleted.status()).isEqualTo(303);
        assertThat(new Visitor().get(edited.location()).status()).isEqualTo(404);
    }

    @Test
    void theEditorShowsEachProblemUnderItsFieldAndKeepsWhatWasTyped() {
        var author = new Visitor().signUp(Api.unique("web"));
        var answer = author.submit("/editor", "/editor", Map.of("title", "", "description", "About nothing",
                "body", "", "tags", "a, b"));
        assertThat(answer.status()).isEqualTo(422);
        var page = answer.html();
        assertThat(page.select("#title-error").text()).isEqualTo("title can't be blank");
        assertThat(page.select("#body-error").text()).isEqualTo("body can't be blank");
        assertThat(page.select("input[name=description]").val()).isEqualTo("About nothing");
        assertThat(page.select("input[name=tags]").val()).isEqualTo("a, b");
    }

    @Test
    void scriptsEventHandlersAndJavascriptUrlsNeverReachThePage() {
        var author = new Visitor().signUp(Api.unique("web"));
        String payload = String.join("\n\n",
                "<script>alert('body')</script>",
                "<img src=\"https://example.com/x.png\" onerror=\"alert('img')\">",
                "[click](javascript:alert('md'))",
                "<a href=\"javascript:alert('a')\">link</a>",
                "<a href=\"JaVaScRiPt:alert('case')\">case</a>",
                "<iframe src=\"https://example.com\"></iframe>",
                "<svg onload=\"alert('svg')\"></svg>",
                "<div style=\"background:url(javascript:alert('css'))\" onclick=\"alert('div')\">styled</div>",
                "<form action=\"https://evil.example\"><button>go</button></form>",
                "<p onmouseover=\"alert('p')\">kept text</p>");
        var created = author.submit("/editor", "/editor", Map.of("title", "<script>alert('title')</script>",
                "description", "<img src=x onerror=alert('description')>", "body", payload, "tags", "<b>tag</b>"));
        assertThat(created.status()).isEqualTo(303);

        for (String path : List.of(created.location(), "/", "/atom.xml")) {
            String html = new Visitor().get(path).body();
            var page = Jsoup.parse(html);
            assertThat(page.select("script").eachAttr("src")).as(path).allSatisfy(src ->
                    assertThat(src).startsWith("/assets/"));
            assertThat(page.select("script")).as(path).allSatisfy(script -> assertThat(script.data()).isEmpty());
            assertThat(page.select("iframe, svg, form[action^=https]")).as(path).isEmpty();
            assertThat(page.getAllElements()).as(path).allSatisfy(element -> element.attributes().forEach(attribute -> {
                assertThat(attribute.getKey()).as(path).doesNotStartWith("on");
                assertThat(attribute.getValue().toLowerCase().replaceAll("\\s", "")).as(path)
                        .doesNotContain("javascript:");
            }));
            assertThat(html).as(path).doesNotContain("<script>alert");
        }
        var article = new Visitor().get(created.location()).html();
        assertThat(article.select(".banner h1").text()).isEqualTo("<script>alert('title')</script>");
        assertThat(article.select(".article-body").text()).contains("kept text", "styled", "link");
        assertThat(article.select(".article-body img").attr("src")).isEqualTo("https://example.com/x.png");
    }

    @Test
    void readersFollowFavoriteAndCommentWithPlainForms() {
        String authorName = Api.unique("web");
        var author = new Visitor().signUp(authorName);
        var created = author.submit("/editor", "/editor", Map.of("title", Api.unique("Followed"),
                "description", "d", "body", "b", "tags", ""));
        String path = created.location();
        String slug = path.substring("/article/".length());
        var reader = new Visitor().signUp(Api.unique("web"));

        var followed = reader.submit(path, "/profile/" + authorName + "/follow", Map.of("back", path));
        assertThat(followed.status()).isEqualTo(303);
        assertThat(followed.location()).isEqualTo(path);
        var favorited = reader.submit(path, path + "/favorite", Map.of("back", path));
        assertThat(favorited.location()).isEqualTo(path);
        var commented = reader.submit(path, path + "/comments", Map.of("body", "Well said <b>!</b>"));
        assertThat(commented.location()).isEqualTo(path + "#comments");

        var page = reader.get(path).html();
        assertThat(page.select(".article-meta button").eachText()).contains("Unfollow " + authorName,
                "Unfavorite Article 1");
        assertThat(page.select(".card .card-text").eachText()).containsExactly("Well said <b>!</b>");
        assertThat(reader.get("/?feed=yours").html().select(".article-preview a.preview-link").eachAttr("href"))
                .contains(path);
        assertThat(reader.get("/profile/" + authorName).html().select(".user-info button").text())
                .contains("Unfollow");

        // the comment's delete button is its author's alone, and so is the delete
        var asAuthor = author.get(path).html();
        assertThat(asAuthor.select(".card .mod-options")).isEmpty();
        String action = reader.get(path).html().select(".card form.mod-options").attr("action");
        assertThat(author.submit(path, action, Map.of()).status()).isEqualTo(403);
        assertThat(reader.submit(path, action, Map.of()).status()).isEqualTo(303);
        assertThat(reader.get(path).html().select(".card .card-text")).isEmpty();

        // the way back is always this site (browsers drop a tab from a URL: "/\t/x" would be "//x")
        for (String elsewhere : List.of("//evil.example/x", "/\t/evil.example", "/\\evil.example", "https://evil.example")) {
            assertThat(reader.submit(path, path + "/unfavorite", Map.of("back", elsewhere)).location())
                    .as(elsewhere).isEqualTo("/");
        }
        assertThat(TestServer.api().get("/articles/" + slug).json().at("/article/favoritesCount").asInt()).isZero();
    }

    @Test
    void profilesListTheirArticlesAndFavoritesWithPagination() {
        var api = TestServer.api();
        var author = api.register("web");
        for (int i = 0; i < 12; i++) {
            api.createArticle(author, Api.unique("Paged " + i), List.of());
        }
        var visitor = new Visitor();
        var first = visitor.get("/profile/" + author.username()).html();
        assertThat(first.select(".article-preview")).hasSize(10);
        assertThat(first.select(".pagination .page-link").eachText()).containsExactly("1", "2", "Next");
        var second = visitor.get("/profile/" + author.username() + "?page=2").html();
        assertThat(second.select(".article-preview")).hasSize(2);
        assertThat(second.select(".pagination .active").text()).isEqualTo("2");
        assertThat(visitor.get("/profile/" + author.username() + "/favorites").html().select(".article-preview").text())
                .isEqualTo("No articles are here... yet.");
    }

    @Test
    void missingPagesAndArticlesAreHtmlPagesAndTheApiKeepsItsJson() {
        var visitor = new Visitor();
        var missing = visitor.get("/no-such-page");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.html().select("h1").text()).isEqualTo("404 Not Found");
        assertThat(visitor.get("/article/" + Api.unique("missing")).status()).isEqualTo(404);
        assertThat(visitor.get("/profile/" + Api.unique("missing")).status()).isEqualTo(404);
        TestServer.api().get("/no-such-route").assertError(404, "route", "not found");
    }

    @Test
    void aMethodThePathDoesNotServeAndABodyOverTheCapArePagesToo() throws Exception {
        var put = send(HttpRequest.newBuilder(URI.create(Visitor.base() + "/login"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("GET, POST");
        assertThat(put.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(Jsoup.parse(put.body()).select("h1").text()).isEqualTo("405 Method Not Allowed");

        // refused from its Content-Length before routing (Expect: 100-continue, so the answer is read every time)
        byte[] big = ("title=" + "a".repeat(1_100_000)).getBytes(StandardCharsets.UTF_8);
        var tooBig = send(HttpRequest.newBuilder(URI.create(Visitor.base() + "/editor?x=1"))
                .header("Content-Type", "application/x-www-form-urlencoded").expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        // through a balancer, the balancer refuses it first, with a page of its own (bench/cluster.py says why)
        Assumptions.assumeFalse(TestServer.elsewhereSet(), "CONDUIT_URL: the balancer's 413 page");
        assertThat(tooBig.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(tooBig.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'self'");
        assertThat(Jsoup.parse(tooBig.body()).select("h1").text()).isEqualTo("413 Request Entity Too Large");
        assertThat(Jsoup.parse(tooBig.body()).text()).contains("larger than the server accepts");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void assetsAreServedUnderTheirContentHashForAYearAndWhatStylesheetsLoadIsThereToo() throws Exception {
        var home = new Visitor().get("/").html();
        var stylesheets = home.select("link[rel=stylesheet]").eachAttr("href");
        assertThat(stylesheets).hasSize(4).allSatisfy(href ->
                assertThat(href).matches("/assets/.+\\.[0-9a-f]{8}\\.css"));
        var client = HttpClient.newHttpClient();
        var urls = Pattern.compile("url\\((/assets/[^)]+)\\)");
        int fonts = 0;
        for (String href : stylesheets) {
            var css = client.send(HttpRequest.newBuilder(URI.create(Visitor.base() + href)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(css.statusCode()).isEqualTo(200);
            assertThat(css.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
            assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
            var matcher = urls.matcher(css.body());
            while (matcher.find()) {
                var font = client.send(HttpRequest.newBuilder(URI.create(Visitor.base() + matcher.group(1))).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(font.statusCode()).as(matcher.group(1)).isEqualTo(200);
                fonts++;
            }
        }
        assertThat(fonts).as("fonts and icons named by the stylesheets").isGreaterThanOrEqualTo(11);
        assertThat(new Visitor().get("/assets/conduit.00000000.css").status()).isEqualTo(404);
        // nothing but users' own pictures loads from elsewhere; an account without one gets the default, served here
        assertThat(home.select("script[src]").eachAttr("src")).allSatisfy(src -> assertThat(src).startsWith("/assets/"));
        assertThat(home.select("link[href]").eachAttr("href")).allSatisfy(href ->
                assertThat(href).matches("/assets/.+|/atom\\.xml"));
        var newcomer = new Visitor().signUp(Api.unique("web"));
        assertThat(newcomer.get("/").html().select("nav img.user-pic").attr("src")).matches("/assets/avatar\\.[0-9a-f]{8}\\.svg");
    }

    @Test
    void theAtomFeedListsTheLatestArticles() throws Exception {
        var api = TestServer.api();
        String title = Api.unique("Syndicated");
        String slug = api.createArticle(api.register("web"), title, List.of("atom"));
        var feed = new Visitor().get("/atom.xml");
        assertThat(feed.headers().firstValue("Content-Type")).hasValue("application/atom+xml; charset=utf-8");
        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(feed.body().getBytes()));
        assertThat(xml.getDocumentElement().getTagName()).isEqualTo("feed");
        assertThat(xml.getDocumentElement().getAttribute("xmlns")).isEqualTo("http://www.w3.org/2005/Atom");
        assertThat(feed.body()).contains("<title>" + title + "</title>")
                .contains("<id>" + Visitor.base() + "/article/" + slug + "</id>");
        assertThat(xml.getElementsByTagName("entry").getLength()).isBetween(1, 20);
    }
}

package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/**
 * SEARCH_LANGUAGE on a database of its own (the shared one's index must stay English): a change re-indexes what is
 * there at start-up, and a configuration PostgreSQL does not have stops the start.
 */
class SearchLanguageTest {
    @Test
    void aNewLanguageReindexesTheArticlesAtStartUpAndAnUnknownOneStopsIt() {
        Path dataDir = TestServer.newDataDir();
        try {
            String slug;
            Main simple = start(dataDir, "simple");
            try {
                var api = api(simple);
                var author = api.register("lang");
                slug = api.post("/articles", wrap("article", "title", "Publishing notes", "description", "d",
                        "body", "b"), author.token()).text("/article/slug");
                // simple: no stemming, so only the word as written matches
                assertThat(count(api, "published")).isZero();
                assertThat(count(api, "publishing")).isEqualTo(1);
            } finally {
                simple.stop();
            }

            Main english = start(dataDir, "english");
            try {
                assertThat(api(english).get("/articles?q=published").text("/articles/0/slug")).isEqualTo(slug);
            } finally {
                english.stop();
            }

            assertThatThrownBy(() -> start(dataDir, "klingon").stop())
                    .hasMessageContaining("PostgreSQL has no text-search configuration 'klingon'");
        } finally {
            TestServer.deleteTree(dataDir);
        }
    }

    private static Main start(Path dataDir, String language) {
        var env = new HashMap<>(TestServer.embeddedEnvironment(dataDir));
        env.put("SEARCH_LANGUAGE", language);
        return Main.start(Config.from(env), sql -> { });
    }

    private static Api api(Main app) {
        return new Api("http://127.0.0.1:" + app.port() + "/api");
    }

    private static int count(Api api, String q) {
        return api.get("/articles?q=" + q).at("/articlesCount").asInt();
    }
}

package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.platform.cache.Cached;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Cache fills race updates, deletes, favorites, follows, comments and profile edits for a few seconds; once all
 * is quiet, every answer served from the caches equals the answer the database gives once they are emptied.
 */
class CacheCoherenceTest {
    private static final Duration RACE = Duration.ofSeconds(4);
    private final Api api = TestServer.api();

    @Test
    void afterRacingWritesEveryCachedAnswerEqualsAFreshRead() throws Exception {
        String tag = Api.unique("race");
        var users = new ArrayList<Api.User>();
        for (int i = 0; i < 4; i++) {
            users.add(api.register("coh"));
        }
        // slug per article; a writer replaces a slug when it renames its article, removes it when it deletes it
        var slugs = new ConcurrentHashMap<Integer, String>();
        for (int i = 0; i < 12; i++) {
            slugs.put(i, api.createArticle(users.get(i % users.size()), Api.unique("Coherent"), List.of(tag, "t" + i % 3)));
        }
        Map<Integer, Api.User> authors = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            authors.put(i, users.get(i % users.size()));
        }

        Instant end = Instant.now().plus(RACE);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var tasks = new ArrayList<Future<?>>();
            for (int r = 0; r < 6; r++) {
                int seed = r;
                tasks.add(pool.submit(() -> {
                    var random = new Random(seed);
                    while (Instant.now().isBefore(end)) {
                        read(random, slugs, users, tag);
                    }
                    return null;
                }));
            }
            for (int w = 0; w < 3; w++) {
                int seed = 100 + w;
                tasks.add(pool.submit(() -> {
                    var random = new Random(seed);
                    while (Instant.now().isBefore(end)) {
                        write(random, slugs, authors, users, tag);
                    }
                    return null;
                }));
            }
            for (var task : tasks) {
                task.get();
            }
        }

        var paths = new ArrayList<String>();
        for (String slug : slugs.values()) {
            paths.add("/articles/" + slug);
            paths.add("/articles/" + slug + "/comments");
        }
        for (int offset = 0; offset < 12; offset += 5) {
            paths.add("/articles?tag=" + tag + "&limit=5&offset=" + offset);
        }
        paths.add("/articles?tag=t1");
        paths.add("/tags");
        for (var user : users) {
            String name = api.get("/user", user.token()).text("/user/username");
            paths.add("/profiles/" + name);
            paths.add("/articles?author=" + name);
            paths.add("/articles?favorited=" + name);
        }
        var cached = answers(paths, users);
        TestServer.app().caches().forEach(Cached::invalidateAll);
        var fresh = answers(paths, users);
        assertThat(cached).isEqualTo(fresh);
    }

    /** Every path's answer to every user and to an anonymous caller, and every user's feed. */
    private Map<String, String> answers(List<String> paths, List<Api.User> users) {
        var answers = new LinkedHashMap<String, String>();
        for (String path : paths) {
            for (var viewer : users) {
                answers.put(path + " as " + viewer.email(), api.get(path, viewer.token()).body());
            }
            answers.put(path + " anonymously", api.get(path).body());
        }
        for (var viewer : users) {
            answers.put("feed as " + viewer.email(), api.get("/articles/feed", viewer.token()).body());
        }
        return answers;
    }

    private void read(Random random, Map<Integer, String> slugs, List<Api.User> users, String tag) {
        String slug = slugs.get(random.nextInt(12));
        String token = users.get(random.nextInt(users.size())).token();
        switch (random.nextInt(5)) {
            case 0 -> api.get("/articles/" + slug, token);
            case 1 -> api.get("/articles/" + slug + "/comments", token);
            case 2 -> api.get("/articles?tag=" + tag + "&limit=5&offset=" + 5 * random.nextInt(3), token);
            case 3 -> api.get("/articles/feed", token);
            default -> api.get("/tags");
        }
    }

    private void write(Random random, Map<Integer, String> slugs, Map<Integer, Api.User> authors, List<Api.User> users,
                       String tag) {
        int article = random.nextInt(12);
        String slug = slugs.get(article);
        var author = authors.get(article);
        var other = users.get(random.nextInt(users.size()));
        switch (random.nextInt(7)) {
            case 0 -> {
                var res = api.put("/articles/" + slug, wrap("article", "title", Api.unique("Retitled"),
                        "body", Api.unique("body"), "tagList", List.of(tag, "t" + random.nextInt(3))), author.token());
                if (res.status() == 200) {
                    slugs.replace(article, slug, res.text("/article/slug"));
                }
            }
            case 1 -> api.post("/articles/" + slug + "/favorite", null, other.token());
            case 2 -> api.delete("/articles/" + slug + "/favorite", other.token());
            case 3 -> {
                String name = api.get("/articles/" + slug).text("/article/author/username");
                if (!author.equals(other)) {
                    api.send(random.nextBoolean() ? "POST" : "DELETE", "/profiles/" + name + "/follow", null,
                            other.token());
                }
            }
            case 4 -> api.post("/articles/" + slug + "/comments", wrap("comment", "body", "c"), other.token());
            case 5 -> api.put("/user", wrap("user", "bio", Api.unique("bio")), other.token());
            default -> {
                if (random.nextInt(10) == 0 && api.delete("/articles/" + slug, author.token()).status() == 204) {
                    slugs.replace(article, slug, api.createArticle(author, Api.unique("Reborn"), List.of(tag)));
                }
            }
        }
    }
}

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Cache fills race updates, deletes, favorites, follows, comments (written, deleted) and profile edits for a few
 * seconds; once all is quiet, every answer served from the caches equals the answer the database gives once they
 * are emptied.
 */
class CacheCoherenceTest {
    private static final Duration RACE = Duration.ofSeconds(4);
    private final Api api = TestServer.api();

    @Test
    void afterRacingWritesEveryCachedAnswerEqualsAFreshRead() throws Exception {
        String tag = Api.unique("race");
        var users = register("coh", 4);
        // slug per article; a writer replaces a slug when it renames its article, removes it when it deletes it
        var slugs = new ConcurrentHashMap<Integer, String>();
        for (int i = 0; i < 12; i++) {
            slugs.put(i, api.createArticle(users.get(i % users.size()), Api.unique("Coherent"), List.of(tag, "t" + i % 3)));
        }
        Map<Integer, Api.User> authors = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            authors.put(i, users.get(i % users.size()));
        }

        race(6, random -> read(random, slugs, users, tag),
                3, random -> write(random, slugs, authors, users, tag));

        var paths = new ArrayList<String>();
        for (String slug : slugs.values()) {
            paths.add("/articles/" + slug);
            paths.add("/articles/" + slug + "/comments");
        }
        for (int offset = 0; offset < 12; offset += 5) {
            paths.add("/articles?tag=" + tag + "&limit=5&offset=" + offset);
        }
        paths.add("/articles?tag=t1");
        paths.add("/articles?limit=50");
        paths.add("/tags");
        for (var user : users) {
            String name = api.get("/user", user.token()).text("/user/username");
            paths.add("/profiles/" + name);
            paths.add("/articles?author=" + name);
            paths.add("/articles?favorited=" + name);
        }
        assertCachedAnswersAreFresh(paths, users);
    }

    /** Cached lists take new articles in place and drop deleted ones: creations and deletions racing list reads. */
    @Test
    void articlesCreatedAndDeletedWhileListsFillLeaveEveryListExact() throws Exception {
        String tag = Api.unique("fresh");
        var users = register("lister", 4);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (i != j) {
                    api.post("/profiles/" + users.get(j).username() + "/follow", null, users.get(i).token());
                }
            }
        }
        var created = new ConcurrentHashMap<String, Api.User>();
        race(4, random -> {
            String token = users.get(random.nextInt(users.size())).token();
            switch (random.nextInt(4)) {
                case 0 -> api.get("/articles?tag=" + tag + "&limit=5&offset=" + 5 * random.nextInt(3), token);
                case 1 -> api.get("/articles?author=" + users.get(random.nextInt(users.size())).username());
                case 2 -> api.get("/articles/feed?limit=5", token);
                default -> api.get("/articles?limit=10", token);
            }
        }, 3, random -> {
            var author = users.get(random.nextInt(users.size()));
            var mine = created.entrySet().stream().filter(e -> e.getValue().equals(author)).findAny();
            if (mine.isPresent() && random.nextInt(3) == 0) {
                if (api.delete("/articles/" + mine.get().getKey(), author.token()).status() == 204) {
                    created.remove(mine.get().getKey());
                }
            } else {
                created.put(api.createArticle(author, Api.unique("Listed"), List.of(tag, "t" + random.nextInt(3))),
                        author);
            }
        });

        var paths = new ArrayList<String>();
        for (int offset = 0; offset < 40; offset += 5) {
            paths.add("/articles?tag=" + tag + "&limit=5&offset=" + offset);
        }
        paths.add("/articles?limit=50");
        for (var user : users) {
            paths.add("/articles?author=" + user.username());
        }
        assertCachedAnswersAreFresh(paths, users);
    }

    /** A count and a favorite changed in place: the same users toggling the same articles from many threads. */
    @Test
    void favoritesTogglingFromManyThreadsLeaveCountsAndFlagsExact() throws Exception {
        String tag = Api.unique("liked");
        var users = register("toggler", 3);
        var slugs = List.of(api.createArticle(users.get(0), Api.unique("Hot"), List.of(tag)),
                api.createArticle(users.get(1), Api.unique("Hot"), List.of(tag)));
        race(3, random -> {
            String token = users.get(random.nextInt(users.size())).token();
            if (random.nextBoolean()) {
                api.get("/articles/" + slugs.get(random.nextInt(2)), token);
            } else {
                api.get("/articles?tag=" + tag, token);
            }
        }, 6, random -> {
            // six writers, three users: one user's favorites of one article race each other
            String token = users.get(random.nextInt(users.size())).token();
            api.send(random.nextBoolean() ? "POST" : "DELETE", "/articles/" + slugs.get(random.nextInt(2)) + "/favorite",
                    null, token);
        });

        var paths = new ArrayList<String>();
        slugs.forEach(slug -> paths.add("/articles/" + slug));
        paths.add("/articles?tag=" + tag);
        for (var user : users) {
            paths.add("/articles?favorited=" + user.username());
        }
        assertCachedAnswersAreFresh(paths, users);
    }

    /**
     * Changes applied in place must be heard in the order they committed. Right after a favorite commits, and
     * before it is published, the same user unfavorites the same article: that write waits its turn.
     */
    @Test
    void aFavoriteAndAnUnfavoriteAreHeardInTheOrderTheyCommitted() throws Exception {
        var author = api.register("ordered");
        var fan = api.register("fan");
        String slug = api.createArticle(author, Api.unique("Ordered"), List.of());
        api.get("/articles/" + slug, fan.token()); // the article and the fan's favorites are cached
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var unfavorite = new AtomicReference<Future<Api.Response>>();
            TestServer.statements().interleaving("insert into favorites", () -> {
                unfavorite.set(pool.submit(() -> api.delete("/articles/" + slug + "/favorite", fan.token())));
                try {
                    // unordered, it would commit and be heard now, before the favorite that committed first
                    unfavorite.get().get(300, TimeUnit.MILLISECONDS);
                } catch (TimeoutException waitingItsTurn) {
                    // as it should
                } catch (InterruptedException | ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }, () -> api.post("/articles/" + slug + "/favorite", null, fan.token()));
            assertThat(unfavorite.get().get().status()).isEqualTo(200);
        }

        assertThat(api.get("/articles/" + slug, fan.token()).at("/article/favorited").asBoolean()).isFalse();
        assertCachedAnswersAreFresh(List.of("/articles/" + slug, "/articles?favorited=" + fan.username()), List.of(fan));
    }

    private List<Api.User> register(String name, int count) {
        var users = new ArrayList<Api.User>();
        for (int i = 0; i < count; i++) {
            users.add(api.register(name));
        }
        return users;
    }

    /** Runs the readers and writers (each given a seeded Random) at once for {@link #RACE}. */
    private static void race(int readers, Consumer<Random> reader, int writers, Consumer<Random> writer)
            throws Exception {
        Instant end = Instant.now().plus(RACE);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var tasks = new ArrayList<Future<?>>();
            for (int i = 0; i < readers + writers; i++) {
                var random = new Random(i);
                var role = i < readers ? reader : writer;
                tasks.add(pool.submit(() -> {
                    while (Instant.now().isBefore(end)) {
                        role.accept(random);
                    }
                    return null;
                }));
            }
            for (var task : tasks) {
                task.get();
            }
        }
    }

    /** Once all is quiet: every answer served from the caches equals the one given once they are emptied. */
    private void assertCachedAnswersAreFresh(List<String> paths, List<Api.User> users) {
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
            case 4 -> {
                var res = api.post("/articles/" + slug + "/comments", wrap("comment", "body", "c"), other.token());
                if (res.status() == 201 && random.nextBoolean()) {
                    api.delete("/articles/" + slug + "/comments/" + res.at("/comment/id").asLong(), other.token());
                }
            }
            case 5 -> api.put("/user", wrap("user", "bio", Api.unique("bio")), other.token());
            default -> {
                if (random.nextInt(10) == 0 && api.delete("/articles/" + slug, author.token()).status() == 204) {
                    slugs.replace(article, slug, api.createArticle(author, Api.unique("Reborn"), List.of(tag)));
                }
            }
        }
    }
}

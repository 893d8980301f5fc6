package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Requests racing on the same row all end cleanly: one wins, the rest get a documented answer, never a 500. */
class RacesTest {
    private static final int RACERS = 8;
    private final Api api = TestServer.api();

    @Test
    void sameUsernameRegisteredAtOnceSucceedsExactlyOnce() {
        String username = Api.unique("race");

        var results = race(i -> () -> api.post("/users", wrap("user", "username", username,
                "email", Api.unique("race" + i) + "@example.com", "password", "password123"), null));

        assertThat(statuses(results)).containsOnly(201, 409);
        assertThat(results.stream().filter(r -> r.status() == 201)).hasSize(1);
        results.stream().filter(r -> r.status() == 409)
                .forEach(r -> r.assertError(409, "username", "has already been taken"));
    }

    @Test
    void sameEmailRegisteredAtOnceSucceedsExactlyOnce() {
        String email = Api.unique("race") + "@example.com";

        var results = race(i -> () -> api.post("/users", wrap("user", "username", Api.unique("racer" + i),
                "email", email, "password", "password123"), null));

        assertThat(statuses(results)).containsOnly(201, 409);
        assertThat(results.stream().filter(r -> r.status() == 201)).hasSize(1);
        results.stream().filter(r -> r.status() == 409)
                .forEach(r -> r.assertError(409, "email", "has already been taken"));
    }

    @Test
    void oneUserFavoritingTheSameArticleAtOnceCountsOnce() {
        var author = api.register("favrace");
        var fan = api.register("favracer");
        String slug = api.createArticle(author, Api.unique("Raced"), List.of());

        var results = race(i -> () -> api.post("/articles/" + slug + "/favorite", null, fan.token()));

        assertThat(statuses(results)).containsOnly(200);
        assertThat(api.get("/articles/" + slug).at("/article/favoritesCount").asInt()).isEqualTo(1);

        var unfavorites = race(i -> () -> api.delete("/articles/" + slug + "/favorite", fan.token()));
        assertThat(statuses(unfavorites)).containsOnly(200);
        assertThat(api.get("/articles/" + slug).at("/article/favoritesCount").asInt()).isZero();
    }

    @Test
    void manyUsersFavoritingAtOnceAreAllCounted() {
        var author = api.register("popular");
        String slug = api.createArticle(author, Api.unique("Popular"), List.of());
        var fans = new ArrayList<Api.User>();
        for (int i = 0; i < RACERS; i++) {
            fans.add(api.register("fan" + i));
        }

        var results = race(i -> () -> api.post("/articles/" + slug + "/favorite", null, fans.get(i).token()));

        assertThat(statuses(results)).containsOnly(200);
        assertThat(api.get("/articles/" + slug).at("/article/favoritesCount").asInt()).isEqualTo(RACERS);
    }

    @Test
    void unfavoritesRacingTheArticlesDeletionAnswerAsIfBeforeOrAfterIt() {
        var author = api.register("doomedfav");
        var fans = new ArrayList<Api.User>();
        for (int i = 1; i < RACERS; i++) {
            fans.add(api.register("unfan" + i));
        }
        // each round: the fans' unfavorites and the author's deletion at once, each favorite removed by one or the
        // other; locking the favorite before the article (the deletion's order reversed) deadlocked: a 500
        for (int round = 0; round < 10; round++) {
            String slug = api.createArticle(author, Api.unique("Doomed"), List.of());
            fans.forEach(fan -> assertThat(api.post("/articles/" + slug + "/favorite", null, fan.token()).status())
                    .isEqualTo(200));

            var results = race(i -> () -> i == 0 ? api.delete("/articles/" + slug, author.token())
                    : api.delete("/articles/" + slug + "/favorite", fans.get(i - 1).token()));

            assertThat(results.get(0).status()).as("the deletion: %s", results.get(0).body()).isEqualTo(204);
            for (var unfavorite : results.subList(1, RACERS)) {
                if (unfavorite.status() == 200) {
                    assertThat(unfavorite.at("/article/favorited").asBoolean()).isFalse();
                } else {
                    unfavorite.assertError(404, "article", "not found");
                }
            }
            assertThat(api.get("/articles/" + slug).status()).isEqualTo(404);
        }
    }

    @Test
    void sameFollowAtOnceLeavesOneFollow() {
        var fan = api.register("followrace");
        var celeb = api.register("followed");

        var results = race(i -> () -> api.post("/profiles/" + celeb.username() + "/follow", null, fan.token()));

        assertThat(statuses(results)).containsOnly(200);
        var celebArticle = api.createArticle(celeb, Api.unique("Once"), List.of());
        var feed = api.get("/articles/feed", fan.token());
        assertThat(feed.at("/articlesCount").asInt()).isEqualTo(1);
        assertThat(feed.text("/articles/0/slug")).isEqualTo(celebArticle);
        api.delete("/profiles/" + celeb.username() + "/follow", fan.token());
        assertThat(api.get("/articles/feed", fan.token()).at("/articlesCount").asInt()).isZero();
    }

    @Test
    void sameTitleAtOnceGivesEveryArticleItsOwnSlug() {
        var author = api.register("titlerace");
        String title = Api.unique("Same Title");

        var results = race(i -> () -> api.post("/articles", wrap("article", "title", title,
                "description", "d", "body", "b"), author.token()));

        assertThat(statuses(results)).containsOnly(201);
        var slugs = new HashSet<String>();
        results.forEach(r -> slugs.add(r.text("/article/slug")));
        assertThat(slugs).hasSize(RACERS);
    }

    @Test
    void concurrentRetitlesOfOneArticleLeaveItReachable() {
        var author = api.register("retitle");
        String slug = api.createArticle(author, Api.unique("Before"), List.of());
        String title = Api.unique("After");

        var results = race(i -> () -> api.put("/articles/" + slug, wrap("article", "title", title + " " + i),
                author.token()));

        // the first update renames the article, so later ones may find the old slug gone
        assertThat(statuses(results)).containsOnly(200, 404).contains(200);
        results.stream().filter(r -> r.status() == 404).forEach(r -> r.assertError(404, "article", "not found"));
        assertThat(api.get("/articles?author=" + author.username()).at("/articlesCount").asInt()).isEqualTo(1);
        String finalSlug = api.get("/articles?author=" + author.username()).text("/articles/0/slug");
        assertThat(api.get("/articles/" + finalSlug).status()).isEqualTo(200);
    }

    @Test
    void sameIdempotencyKeyAtOnceCreatesOnceAndEveryOtherAnswerIsItsReplayOrA409() {
        var author = api.register("idemrace");
        var headers = Map.of("Idempotency-Key", Api.unique("race"));
        var article = wrap("article", "title", Api.unique("Retried at once"), "description", "d", "body", "b");

        var results = race(i -> () -> api.post("/articles", article, author.token(), headers));

        assertThat(statuses(results)).containsOnly(201, 409);
        var created = results.stream().filter(r -> r.status() == 201).toList();
        assertThat(created.stream().filter(r -> r.headers().firstValue("Idempotent-Replayed").isEmpty())).hasSize(1);
        assertThat(created.stream().map(Api.Response::body).distinct()).hasSize(1);
        results.stream().filter(r -> r.status() == 409).forEach(r -> r.assertError(409, "Idempotency-Key",
                "is in use by a request still running, retry shortly"));
        assertThat(api.get("/articles?author=" + author.username()).at("/articlesCount").asInt()).isEqualTo(1);
    }

    private static List<Api.Response> race(IntFunction<Callable<Api.Response>> racer) {
        var start = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<Api.Response>>();
            for (int i = 0; i < RACERS; i++) {
                var call = racer.apply(i);
                futures.add(executor.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            var results = new ArrayList<Api.Response>();
            for (var future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Integer> statuses(List<Api.Response> results) {
        return results.stream().map(Api.Response::status).toList();
    }
}

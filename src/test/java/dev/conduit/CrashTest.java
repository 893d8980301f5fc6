package dev.conduit;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Ledger.Outcome;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * No acknowledged write lost (issue 8, item 4). Writers do every kind of write against a Conduit in a process of its
 * own, with its own embedded PostgreSQL, until a few hundred are acknowledged; then Conduit, or its PostgreSQL, is
 * killed with SIGKILL. A new Conduit on the same data folder must start (whatever lock, postmaster.pid or orphaned
 * server the dead one left) and show every write answered 2xx, nothing of any write answered 4xx, and either outcome
 * for a write that got no answer ({@link Ledger}).
 */
class CrashTest {
    private static final int WRITERS = 4;
    private static final int ACKNOWLEDGED_BEFORE_THE_CRASH = 300;

    /** How the first server dies. */
    private interface Crash {
        void strike(ConduitProcess server, Path dataDir, CountDownLatch writing) throws Exception;
    }

    @Test
    void everyAcknowledgedWriteSurvivesASigkillOfConduit() throws Exception {
        crashAndRestart("Conduit", (server, dataDir, writing) -> server.kill());
    }

    @Test
    void everyAcknowledgedWriteSurvivesASigkillOfItsPostgres() throws Exception {
        crashAndRestart("its PostgreSQL", (server, dataDir, writing) -> {
            var postmaster = ConduitProcess.postmaster(dataDir).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().get(10, TimeUnit.SECONDS);
            // Conduit does not restart its database: its writes fail from now on (each writer stops at its first
            // failure, 5 s at most: the pool's wait for a connection), and a supervisor would restart it
            assertThat(writing.await(30, TimeUnit.SECONDS)).as("every writer saw the database go").isTrue();
            server.kill();
        });
    }

    private static void crashAndRestart(String killed, Crash crash) throws Exception {
        Path dataDir = TestServer.newDataDir();
        var env = TestServer.embeddedEnvironment(dataDir);
        var ledger = new Ledger();
        var crashing = new AtomicBoolean();
        try {
            int acknowledgedAtCrash;
            // closed in reverse: should the test fail before the crash, the server stops first, and with it the writers
            try (var writers = Executors.newVirtualThreadPerTaskExecutor(); var first = ConduitProcess.start(env)) {
                var writing = new CountDownLatch(WRITERS);
                for (int i = 0; i < WRITERS; i++) {
                    var writer = new Writer(i, ledger, first.api(), crashing);
                    writers.submit(() -> {
                        try {
                            writer.run();
                        } finally {
                            writing.countDown();
                        }
                    });
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (ledger.acknowledged() < ACKNOWLEDGED_BEFORE_THE_CRASH && writing.getCount() > 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(ledger.acknowledged()).as("acknowledged writes before the crash; failures: %s",
                        ledger.failures()).isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_THE_CRASH);
                crashing.set(true);
                acknowledgedAtCrash = ledger.acknowledged();
                crash.strike(first, dataDir, writing);
            }
            try (var second = ConduitProcess.start(env)) {
                ledger.check(second.api());
                System.out.printf("SIGKILL of %s after %d acknowledged writes (%d in all); restarted in %d ms (process"
                        + " start to listening); writes: %s%n", killed, acknowledgedAtCrash, ledger.acknowledged(),
                        second.startup().toMillis(), ledger.counts());
            }
            assertThat(ledger.failures()).isEmpty();
        } finally {
            ConduitProcess.stopOrphanedPostgres(dataDir);
            TestServer.deleteTree(dataDir);
        }
    }

    /**
     * One client: registers, then writes at random (every kind, a sixth of them meant to be refused) on its own
     * account, articles and comments, and on others' articles, until a write gets no answer.
     */
    private static final class Writer {
        private final int number;
        private final Ledger ledger;
        private final Api api;
        private final AtomicBoolean crashing;
        private final Random random;
        private Ledger.Account me;
        /** This writer's articles, all acknowledged and not deleted. */
        private final List<Ledger.Article> mine = new ArrayList<>();
        /** This writer's comments, all acknowledged and not deleted. */
        private final List<Ledger.Comment> myComments = new ArrayList<>();

        Writer(int number, Ledger ledger, Api api, AtomicBoolean crashing) {
            this.number = number;
            this.ledger = ledger;
            this.api = api;
            this.crashing = crashing;
            this.random = new Random(number);
        }

        void run() {
            try {
                String name = Api.unique("writer" + number);
                if (register(name, name + "@example.com", true) == Outcome.ACKNOWLEDGED) {
                    while (write()) {
                        // until a write gets no answer
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                ledger.fail("writer " + number + " broke: " + e);
            }
        }

        /** One write at random; false once one got no answer. */
        private boolean write() {
            int dice = random.nextInt(100);
            if (mine.isEmpty() || dice < 14) {
                return createArticle();
            } else if (dice < 28) {
                return updateArticle(pick(mine));
            } else if (dice < 33) {
                return deleteArticle(pick(mine));
            } else if (dice < 46) {
                return comment(pick(ledger.articles), Api.unique("comment by " + me.username()));
            } else if (dice < 52) {
                return myComments.isEmpty() || deleteComment(pick(myComments));
            } else if (dice < 68) {
                return favorite(pick(ledger.articles), dice < 62);
            } else if (dice < 79) {
                return follow(pick(ledger.accounts).username(), dice < 75);
            } else if (dice < 84) {
                String name = Api.unique("reader" + number);
                return register(name, name + "@example.com", true) != Outcome.UNANSWERED;
            }
            return refusedWrite(dice);
        }

        /** Writes a correct server refuses with a 4xx and must leave no trace of. */
        private boolean refusedWrite(int dice) {
            String marker = Api.unique("refused");
            var other = pick(ledger.accounts);
            var theirs = pick(ledger.articles);
            return switch (dice % 8) {
                // a taken username, a new email: that email must not log in afterwards
                case 0 -> register(other.username(), marker + "@example.com", false) != Outcome.UNANSWERED;
                // a new username, a taken email: no profile afterwards
                case 1 -> register(marker, other.email(), true) != Outcome.UNANSWERED;
                case 2 -> send("article", "POST", "/articles", wrap("article", "title", " ", "description", marker,
                        "body", marker), 0, Set.of(422)) != Outcome.UNANSWERED;
                case 3 -> {
                    var own = pick(mine);
                    ledger.titles.put(marker, own);
                    yield send("article", "PUT", "/articles/" + own.slug, wrap("article", "title", marker,
                            "description", "x".repeat(1_001)), 0, Set.of(422)) != Outcome.UNANSWERED;
                }
                case 4 -> {
                    if (theirs.author == me) {
                        yield true;
                    }
                    ledger.titles.put(marker, theirs);
                    // 404 when its author renamed or deleted it
                    yield send("article", "PUT", "/articles/" + theirs.slug,
                            wrap("article", "title", marker), 0, Set.of(403, 404)) != Outcome.UNANSWERED;
                }
                case 5 -> theirs.author == me || send("article", "DELETE", "/articles/" + theirs.slug, null, 0,
                        Set.of(403, 404)) != Outcome.UNANSWERED;
                case 6 -> comment(theirs, marker + "x".repeat(10_000));
                default -> {
                    if (ledger.comments.isEmpty()) {
                        yield true;
                    }
                    var comment = pick(ledger.comments);
                    yield comment.author == me || comment.id == 0 || send("comment", "DELETE", "/articles/"
                            + comment.article.slug + "/comments/" + comment.id, null, 0, Set.of(403, 404))
                            != Outcome.UNANSWERED;
                }
            };
        }

        /** An acknowledged registration's account joins those others follow; the writer's own is the first. */
        private Outcome register(String username, String email, boolean freshUsername) {
            String password = Api.unique("password");
            var registration = new Ledger.Registration(username, email, password, freshUsername,
                    new Ledger.Possible<>(false));
            ledger.registrations.add(registration);
            var answer = post("user", "POST", "/users", wrap("user", "username", username, "email", email,
                    "password", password), 201, Set.of(409));
            registration.exists().wrote(answer.outcome(), true);
            if (answer.outcome() == Outcome.ACKNOWLEDGED) {
                var account = new Ledger.Account(username, email, password, answer.response().text("/user/token"));
                ledger.accounts.add(account);
                if (me == null) {
                    me = account;
                }
            }
            return answer.outcome();
        }

        private boolean createArticle() {
            var version = new Ledger.Version(Api.unique("title by " + me.username()), Api.unique("about"),
                    Api.unique("body"), tags());
            var article = new Ledger.Article(me);
            ledger.titles.put(version.title(), article);
            var answer = post("article", "POST", "/articles", wrap("article", "title", version.title(),
                    "description", version.description(), "body", version.body(), "tagList", version.tags()),
                    201, Set.of());
            article.state.wrote(answer.outcome(), version);
            if (answer.outcome() == Outcome.ACKNOWLEDGED) {
                article.acknowledged = version;
                article.slug = answer.response().text("/article/slug");
                mine.add(article);
            }
            // others aim at it once it has a slug
            ledger.articles.add(article);
            return answer.outcome() != Outcome.UNANSWERED;
        }

        /** A new description, and now and then a new body, tags or title (a new slug). */
        private boolean updateArticle(Ledger.Article article) {
            var was = article.acknowledged;
            var changes = new LinkedHashMap<String, Object>();
            String title = random.nextInt(3) == 0 ? Api.unique("retitled by " + me.username()) : was.title();
            String body = random.nextBoolean() ? Api.unique("new body") : was.body();
            List<String> tags = random.nextInt(3) == 0 ? tags() : was.tags();
            var version = new Ledger.Version(title, Api.unique("new description"), body, tags);
            changes.put("description", version.description());
            if (!title.equals(was.title())) {
                changes.put("title", title);
                ledger.titles.put(title, article);
            }
            if (!body.equals(was.body())) {
                changes.put("body", body);
            }
            if (!tags.equals(was.tags())) {
                changes.put("tagList", tags);
            }
            var answer = post("article", "PUT", "/articles/" + article.slug, Map.of("article", changes), 200,
                    Set.of());
            article.state.wrote(answer.outcome(), version);
            if (answer.outcome() == Outcome.ACKNOWLEDGED) {
                article.acknowledged = version;
                article.slug = answer.response().text("/article/slug");
            }
            return answer.outcome() != Outcome.UNANSWERED;
        }

        private boolean deleteArticle(Ledger.Article article) {
            var outcome = send("article", "DELETE", "/articles/" + article.slug, null, 204, Set.of());
            article.state.wrote(outcome, null);
            if (outcome == Outcome.ACKNOWLEDGED) {
                mine.remove(article);
            }
            return outcome != Outcome.UNANSWERED;
        }

        /** On any article: 404 when its author renamed or deleted it meanwhile; 422 when the body is too long. */
        private boolean comment(Ledger.Article article, String body) {
            var comment = new Ledger.Comment(me, article, body);
            ledger.comments.add(comment);
            var answer = post("comment", "POST", "/articles/" + article.slug + "/comments",
                    wrap("comment", "body", body), 201, Set.of(404, 422));
            comment.exists.wrote(answer.outcome(), true);
            if (answer.outcome() == Outcome.ACKNOWLEDGED) {
                comment.id = answer.response().at("/comment/id").asLong();
                myComments.add(comment);
            }
            return answer.outcome() != Outcome.UNANSWERED;
        }

        private boolean deleteComment(Ledger.Comment comment) {
            var outcome = send("comment", "DELETE", "/articles/" + comment.article.slug + "/comments/" + comment.id,
                    null, 204, Set.of(404));
            comment.exists.wrote(outcome, false);
            if (outcome != Outcome.UNANSWERED) {
                myComments.remove(comment);
            }
            return outcome != Outcome.UNANSWERED;
        }

        private boolean favorite(Ledger.Article article, boolean on) {
            var outcome = send("favorite", on ? "POST" : "DELETE", "/articles/" + article.slug + "/favorite", null,
                    200, Set.of(404));
            ledger.favoritesOf(me).computeIfAbsent(article, a -> new Ledger.Possible<>(false)).wrote(outcome, on);
            return outcome != Outcome.UNANSWERED;
        }

        /** Following oneself is refused (422). */
        private boolean follow(String username, boolean on) {
            var outcome = send("follow", on ? "POST" : "DELETE", "/profiles/" + username + "/follow", null, 200,
                    Set.of(422));
            ledger.followsOf(me).computeIfAbsent(username, u -> new Ledger.Possible<>(false)).wrote(outcome, on);
            return outcome != Outcome.UNANSWERED;
        }

        private List<String> tags() {
            var tags = new TreeSet<String>();
            int count = random.nextInt(4);
            while (tags.size() < count) {
                tags.add("tag" + random.nextInt(8));
            }
            return List.copyOf(tags);
        }

        private <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }

        private Outcome send(String kind, String method, String path, Object body, int acknowledged,
                             Set<Integer> refused) {
            return post(kind, method, path, body, acknowledged, refused).outcome();
        }

        private record Answer(Outcome outcome, Api.Response response) {
        }

        /**
         * Sends a write and tells what its answer means: {@code acknowledged} (a 2xx; 0 when the write is meant to be
         * refused), one of {@code refused} (4xx), or none (no answer, or a 5xx once the crash began). Any other
         * answer, or none before the crash, is a failure of the test, and the writer stops there.
         */
        private Answer post(String kind, String method, String path, Object body, int acknowledged,
                            Set<Integer> refused) {
            Api.Response response;
            try {
                // registrations go without a token, every other write with the writer's own
                response = api.send(method, path, body, path.equals("/users") ? null : me.token());
            } catch (UncheckedIOException e) {
                if (!crashing.get()) {
                    ledger.fail(method + " " + path + " got no answer before the crash: " + e);
                }
                ledger.count(kind, Outcome.UNANSWERED);
                return new Answer(Outcome.UNANSWERED, null);
            }
            Outcome outcome;
            if (response.status() == acknowledged) {
                outcome = Outcome.ACKNOWLEDGED;
            } else if (refused.contains(response.status())) {
                outcome = Outcome.REFUSED;
            } else {
                if (!crashing.get() || response.status() < 500) {
                    ledger.fail(method + " " + path + " answered " + response.status() + " " + response.body());
                }
                outcome = Outcome.UNANSWERED;
            }
            ledger.count(kind, outcome);
            return new Answer(outcome, response);
        }
    }
}

package dev.conduit;

import static dev.conduit.Api.wrap;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What writers were told about their writes, and what a server must therefore show: a write answered 2xx is there
 * (unless a later 2xx write undid it), a write answered 4xx changed nothing, a write that got no answer may have
 * happened or not. Each thing (an account, an article, a comment, a favorite, a follow) is written by one writer
 * only, and a writer stops at its first unanswered write, so that write is the last one to touch its thing.
 */
final class Ledger {
    /** The outcome of one write, as its client saw it. */
    enum Outcome { ACKNOWLEDGED, REFUSED, UNANSWERED }

    /** What a thing may hold: the last acknowledged value, plus an unanswered write's value. */
    static final class Possible<V> {
        private final Set<V> values = new HashSet<>();

        Possible(V initial) {
            values.add(initial);
        }

        /** The thing after a write that meant to leave {@code value} there. */
        void wrote(Outcome outcome, V value) {
            switch (outcome) {
                case ACKNOWLEDGED -> {
                    values.clear();
                    values.add(value);
                }
                case UNANSWERED -> values.add(value);
                case REFUSED -> { }
            }
        }

        boolean allows(V value) {
            return values.contains(value);
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }

    /** A registration as sent; {@code freshUsername} when no one else had the name (its profile then tells). */
    record Registration(String username, String email, String password, boolean freshUsername,
                        Possible<Boolean> exists) {
    }

    record Account(String username, String email, String password, String token) {
    }

    /** An article's fields (tags sorted, as the API lists them). */
    record Version(String title, String description, String body, List<String> tags) {
    }

    /** An article by its author: its state is a {@link Version}, or null once deleted (or never created). */
    static final class Article {
        final Account author;
        final Possible<Version> state = new Possible<>(null);
        /** The slug of its last acknowledged version, for other writers to aim at (they may find it changed). */
        volatile String slug;
        Version acknowledged;

        Article(Account author) {
            this.author = author;
        }
    }

    /** A comment, known by its body (each unique); {@code id} once acknowledged. */
    static final class Comment {
        final Account author;
        final Article article;
        final String body;
        final Possible<Boolean> exists = new Possible<>(false);
        volatile long id;

        Comment(Account author, Article article, String body) {
            this.author = author;
            this.article = article;
            this.body = body;
        }
    }

    final List<Registration> registrations = new CopyOnWriteArrayList<>();
    /** Accounts whose registration was acknowledged: the ones others follow. */
    final List<Account> accounts = new CopyOnWriteArrayList<>();
    final List<Article> articles = new CopyOnWriteArrayList<>();
    final List<Comment> comments = new CopyOnWriteArrayList<>();
    /** Title → its article, for every title any write tried to give one (each unique). */
    final Map<String, Article> titles = new ConcurrentHashMap<>();
    final Map<Account, Map<Article, Possible<Boolean>>> favorites = new ConcurrentHashMap<>();
    final Map<Account, Map<String, Possible<Boolean>>> follows = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    /** Counts a write's outcome under {@code kind} (e.g. "comment"). */
    void count(String kind, Outcome outcome) {
        counts.computeIfAbsent(kind + " " + outcome.name().toLowerCase(), k -> new AtomicInteger()).incrementAndGet();
        if (outcome == Outcome.ACKNOWLEDGED) {
            acknowledged.incrementAndGet();
        }
    }

    int acknowledged() {
        return acknowledged.get();
    }

    void fail(String failure) {
        failures.add(failure);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Writes by kind and outcome, for the test's report. */
    Map<String, Integer> counts() {
        var sorted = new TreeMap<String, Integer>();
        counts.forEach((kind, n) -> sorted.put(kind, n.get()));
        return sorted;
    }

    Map<Article, Possible<Boolean>> favoritesOf(Account account) {
        return favorites.computeIfAbsent(account, a -> new ConcurrentHashMap<>());
    }

    Map<String, Possible<Boolean>> followsOf(Account account) {
        return follows.computeIfAbsent(account, a -> new ConcurrentHashMap<>());
    }

    /** An article as the server shows it. */
    private record Found(Version version, String slug, int favoritesCount) {
    }

    /** Reads everything back from {@code api} (a server restarted after the crash) and notes what disagrees. */
    void check(Api api) {
        registrations.forEach(registration -> checkRegistration(api, registration));
        var found = findArticles(api);
        for (Article article : articles) {
            Found actual = found.get(article);
            Version version = actual == null ? null : actual.version();
            if (!article.state.allows(version)) {
                fail("article by " + article.author.username() + " is " + version + ", not one of " + article.state);
            } else if (actual != null && version.equals(article.acknowledged) && !actual.slug().equals(article.slug)) {
                fail("article " + version.title() + " has slug " + actual.slug() + ", answered " + article.slug);
            }
            if (actual != null) {
                checkComments(api, article, actual.slug());
            }
        }
        checkFavorites(api, found);
        follows.forEach((follower, followed) -> followed.forEach((username, possible) -> {
            boolean following = api.get("/profiles/" + username, follower.token()).at("/profile/following")
                    .asBoolean();
            if (!possible.allows(following)) {
                fail(follower.username() + " following " + username + " is " + following + ", not " + possible);
            }
        }));
    }

    /** Logs in as sent: it works exactly when the registration took, and a refused one left no profile either. */
    private void checkRegistration(Api api, Registration registration) {
        var login = api.post("/users/login", wrap("user", "email", registration.email(),
                "password", registration.password()), null);
        boolean exists = login.status() == 200 && login.text("/user/username").equals(registration.username());
        if (!exists && login.status() != 401) {
            fail("login of " + registration.email() + " answered " + login.status() + " " + login.body());
        }
        if (!registration.exists().allows(exists)) {
            fail("registration of " + registration.username() + " exists: " + exists + ", not "
                    + registration.exists());
        }
        if (!exists && registration.freshUsername()) {
            int profile = api.get("/profiles/" + registration.username()).status();
            if (profile != 404) {
                fail("the unregistered " + registration.username() + " has a profile (" + profile + ")");
            }
        }
    }

    /**
     * Every article of every author, matched to the ledger's by title (each write's title is unique): an article
     * the ledger cannot name is a refused write that left something.
     */
    private Map<Article, Found> findArticles(Api api) {
        var found = new HashMap<Article, Found>();
        var authors = new LinkedHashSet<Account>();
        articles.forEach(article -> authors.add(article.author));
        for (Account author : authors) {
            var page = api.get("/articles?limit=100&author=" + author.username());
            if (page.at("/articlesCount").asInt() > 100) {
                fail(author.username() + " has more articles than one page: " + page.at("/articlesCount"));
            }
            for (JsonNode listed : page.at("/articles")) {
                Article article = titles.get(listed.at("/title").asText());
                if (article == null || article.author != author) {
                    fail("an article no write made: " + listed);
                    continue;
                }
                String slug = listed.at("/slug").asText();
                var full = api.get("/articles/" + slug).at("/article");
                var tags = new ArrayList<String>();
                full.at("/tagList").forEach(tag -> tags.add(tag.asText()));
                var version = new Version(full.at("/title").asText(), full.at("/description").asText(),
                        full.at("/body").asText(), tags);
                found.put(article, new Found(version, slug, listed.at("/favoritesCount").asInt()));
            }
        }
        return found;
    }

    /** The article's comments are exactly those written to it and not deleted, give or take unanswered writes. */
    private void checkComments(Api api, Article article, String slug) {
        var listed = new HashMap<String, Long>();
        api.get("/articles/" + slug + "/comments").at("/comments")
                .forEach(c -> listed.put(c.at("/body").asText(), c.at("/id").asLong()));
        for (Comment comment : comments) {
            if (comment.article != article) {
                continue;
            }
            Long id = listed.remove(comment.body);
            if (!comment.exists.allows(id != null)) {
                fail("comment " + abbreviated(comment.body) + " on " + slug + " exists: " + (id != null) + ", not "
                        + comment.exists);
            } else if (id != null && comment.id != 0 && id != comment.id) {
                fail("comment " + abbreviated(comment.body) + " has id " + id + ", answered " + comment.id);
            }
        }
        listed.keySet().forEach(body -> fail("a comment no write made on " + slug + ": " + abbreviated(body)));
    }

    /**
     * Each account's favorites are the ones it last acknowledged, and each article's favoritesCount counts them:
     * the counter is written by the same statement as the favorite, so a crash must not part them.
     */
    private void checkFavorites(Api api, Map<Article, Found> found) {
        var counted = new HashMap<Article, Integer>();
        favorites.forEach((account, possibles) -> {
            var favorited = new HashSet<Article>();
            for (JsonNode listed : api.get("/articles?limit=100&favorited=" + account.username()).at("/articles")) {
                Article article = titles.get(listed.at("/title").asText());
                if (article == null || !found.containsKey(article)) {
                    fail(account.username() + " favorites an article no write made: " + listed);
                }
                favorited.add(article);
            }
            found.keySet().forEach(article -> {
                boolean actual = favorited.contains(article);
                var possible = possibles.getOrDefault(article, new Possible<>(false));
                if (!possible.allows(actual)) {
                    fail(account.username() + " favorites " + found.get(article).slug() + ": " + actual + ", not "
                            + possible);
                }
                if (actual) {
                    counted.merge(article, 1, Integer::sum);
                }
            });
        });
        found.forEach((article, actual) -> {
            int favorites = counted.getOrDefault(article, 0);
            if (actual.favoritesCount() != favorites) {
                fail("favoritesCount of " + actual.slug() + " is " + actual.favoritesCount() + ", favorited by "
                        + favorites);
            }
        });
    }

    private static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}

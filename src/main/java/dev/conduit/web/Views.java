package dev.conduit.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conduit.platform.json.Jackson;
import dev.conduit.platform.json.JsonText;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * What the pages show of articles, authors and comments, read from the very JSON the API answers with: the logic's
 * objects carry their stored fields rendered once ({@link JsonText}), and those are read here, once per rendered
 * piece (kept by identity while the logic's caches hold the piece), so a page and the API never disagree on a field
 * and a page costs no JSON parsing once its pieces are known. What depends on the viewer (favorited, following) is
 * taken from the objects as they are.
 */
public final class Views {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    /** A profile, or an article's or a comment's author, as the viewer sees it. */
    public record Author(String username, String bio, String image, boolean following) {
        /** The account's picture, or the default one served with the pages (nothing is loaded from elsewhere). */
        public String avatar(Assets assets) {
            return image == null || image.isBlank() ? assets.url("avatar.svg") : image;
        }
    }

    /**
     * An article, without its body (a page that shows it reads it apart: {@link #body}); {@code snippet}: in search
     * results, where the words matched (HTML: escaped text, {@code <mark>}s), else null.
     */
    public record Article(String slug, String title, String description, List<String> tagList, String createdAt,
                          String updatedAt, boolean favorited, int favoritesCount, Author author, String snippet) {
        public String date() {
            return Views.date(createdAt);
        }
    }

    public record Comment(long id, String createdAt, String updatedAt, String body, Author author) {
        public String date() {
            return Views.date(createdAt);
        }
    }

    /** An article's stored fields, as its summary renders them. */
    private record Stored(String slug, String title, String description, List<String> tagList, String createdAt,
                          String updatedAt) {
    }

    /** An account's card. */
    private record Card(String username, String bio, String image) {
    }

    /** A comment's stored fields. */
    private record Written(long id, String createdAt, String updatedAt, String body) {
    }

    private record Body(String body) {
    }

    private record Snippet(String snippet) {
    }

    // keyed by the rendered piece itself (identity, weakly): an edit renders a new piece, the old one is forgotten
    private final Cache<JsonText, Stored> stored = pieces();
    private final Cache<JsonText, Card> cards = pieces();
    private final Cache<JsonText, Written> written = pieces();

    Article article(dev.conduit.articles.Article article) {
        var fields = read(stored, article.summary(), Stored.class);
        String snippet = article.snippet() == null ? null : member(article.snippet(), Snippet.class).snippet();
        return new Article(fields.slug(), fields.title(), fields.description(), fields.tagList(), fields.createdAt(),
                fields.updatedAt(), article.favorited(), article.favoritesCount(), author(article.author()), snippet);
    }

    List<Article> articles(List<dev.conduit.articles.Article> articles) {
        return articles.stream().map(this::article).toList();
    }

    Author author(dev.conduit.profiles.Profile profile) {
        var card = read(cards, profile.card(), Card.class);
        return new Author(card.username(), card.bio(), card.image(), profile.following());
    }

    List<Comment> comments(List<dev.conduit.comments.Comment> comments) {
        return comments.stream().map(comment -> {
            var fields = read(written, comment.json(), Written.class);
            return new Comment(fields.id(), fields.createdAt(), fields.updatedAt(), fields.body(),
                    author(comment.author()));
        }).toList();
    }

    /** The article's body (read each time: long, and wanted only where it is shown or edited). */
    static String body(dev.conduit.articles.Article article) {
        return member(article.body(), Body.class).body();
    }

    /** A member as an answer adds it to the article's object ({@code ,"body":"..."}), read as {@code type}. */
    private static <T> T member(JsonText member, Class<T> type) {
        return parse("{" + member.toString().substring(1) + "}", type);
    }

    /** {@code piece}, an object left open ({@code {"a":1,"b":2}} without its brace), read as {@code type}. */
    private static <T> T read(Cache<JsonText, T> known, JsonText piece, Class<T> type) {
        return known.get(piece, p -> parse(p + "}", type));
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return Jackson.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("the API's own JSON did not read as " + type.getSimpleName(), e);
        }
    }

    private static <T> Cache<JsonText, T> pieces() {
        // as many as the logic's caches hold pieces, about (3,000 articles' take ~2 MB here)
        return Caffeine.newBuilder().weakKeys().maximumSize(20_000).build();
    }

    private static String date(String instant) {
        return DATE.format(Instant.parse(instant));
    }
}

package dev.conduit.web;

import dev.conduit.platform.json.Jackson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * What the pages show of articles, authors and comments: read from the very JSON the API answers with (the logic's
 * own objects, written by Jackson), so a page and the API never disagree on a field.
 */
public final class Views {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Views() {
    }

    /** A profile, or an article's or a comment's author, as the viewer sees it. */
    public record Author(String username, String bio, String image, boolean following) {
        /** The account's picture, or the default one served with the pages (nothing is loaded from elsewhere). */
        public String avatar(Assets assets) {
            return image == null || image.isBlank() ? assets.url("avatar.svg") : image;
        }
    }

    /** An article; {@code body} is null in lists. */
    public record Article(String slug, String title, String description, String body, List<String> tagList,
                          String createdAt, String updatedAt, boolean favorited, int favoritesCount, Author author) {
        public String date() {
            return Views.date(createdAt);
        }
    }

    public record Comment(long id, String createdAt, String updatedAt, String body, Author author) {
        public String date() {
            return Views.date(createdAt);
        }
    }

    static Article article(dev.conduit.articles.Article article) {
        return read(article, Article.class);
    }

    static List<Article> articles(List<dev.conduit.articles.Article> articles) {
        return articles.stream().map(Views::article).toList();
    }

    static Author author(dev.conduit.profiles.Profile profile) {
        return read(profile, Author.class);
    }

    static List<Comment> comments(List<dev.conduit.comments.Comment> comments) {
        return comments.stream().map(comment -> read(comment, Comment.class)).toList();
    }

    private static <T> T read(Object answer, Class<T> view) {
        try {
            return Jackson.MAPPER.readValue(Jackson.MAPPER.writeValueAsBytes(answer), view);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the API's own JSON did not read as " + view.getSimpleName(), e);
        }
    }

    private static String date(String instant) {
        return DATE.format(Instant.parse(instant));
    }
}

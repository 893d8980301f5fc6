package dev.conduit.articles;

/** The optional filters of {@code GET /articles}; null means "any". */
public record ArticleFilter(String tag, String author, String favoritedBy) {
}

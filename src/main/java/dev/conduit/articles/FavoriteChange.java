package dev.conduit.articles;

/**
 * A change: {@code userId} favorited ({@code favorited}) or unfavorited article {@code articleId}, after which
 * the article has {@code favoritesCount} favorites (0 when heard from another writer: the database does not tell it).
 */
public record FavoriteChange(long userId, long articleId, boolean favorited, int favoritesCount) {
}

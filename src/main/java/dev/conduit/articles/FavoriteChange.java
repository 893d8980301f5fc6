package dev.conduit.articles;

/** A change: {@code userId} favorited or unfavorited article {@code articleId}. */
public record FavoriteChange(long userId, long articleId) {
}

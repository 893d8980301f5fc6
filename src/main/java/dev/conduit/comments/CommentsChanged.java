package dev.conduit.comments;

/** A change: a comment was added to or deleted from article {@code articleId}. */
public record CommentsChanged(long articleId) {
}

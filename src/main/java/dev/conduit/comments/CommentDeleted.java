package dev.conduit.comments;

/** A change: comment {@code commentId} of article {@code articleId} was deleted. */
public record CommentDeleted(long articleId, long commentId) {
}

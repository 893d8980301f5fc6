package dev.conduit.comments;

/** A change: comment {@code commentId} of article {@code articleId} was deleted. */
record CommentDeleted(long articleId, long commentId) {
}

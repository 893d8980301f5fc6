package dev.conduit.comments;

/** A change: {@code comment} was written on article {@code articleId}. */
public record CommentAdded(long articleId, CommentStore.Stored comment) {
}

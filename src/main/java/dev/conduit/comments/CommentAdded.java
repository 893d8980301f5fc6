package dev.conduit.comments;

/**
 * A change: {@code comment} was written on article {@code articleId}. Heard from another writer it has no
 * {@code comment} (null): the database does not tell it, and those caches read it again.
 */
public record CommentAdded(long articleId, CommentStore.Stored comment) {
}

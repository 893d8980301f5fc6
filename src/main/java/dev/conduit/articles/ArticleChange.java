package dev.conduit.articles;

import java.time.Instant;
import java.util.Set;

/**
 * A change: an article was created, edited or deleted.
 *
 * @param createdAt when the article was created: where it goes in the lists it joins
 * @param tags      its tags when created or deleted; the tags added or removed when edited
 * @param slugs     slugs that no longer name it (its old slug after a rename, its slug after a delete)
 *     <p>Heard from another writer (the database's triggers tell it) a change names no tags but those of an edit
 *     of its tags, told tag by tag, and such an edit has no author (0) nor time (null).
 */
public record ArticleChange(Kind kind, long id, long authorId, Instant createdAt, Set<String> tags, Set<String> slugs) {
    public enum Kind {
        /** it now appears in every list whose filters it meets */
        CREATED,
        /** its fields changed; it left the lists of {@code tags} it lost and joined those it gained */
        EDITED,
        /** it left every list */
        DELETED
    }
}

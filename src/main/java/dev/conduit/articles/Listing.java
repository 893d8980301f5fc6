package dev.conduit.articles;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * The newest ids of one list of articles (the first {@link #DEPTH} of them) and how many match in all. Pages
 * within that depth are cut from it; deeper pages ask the database with the same filters.
 *
 * @param authors for a feed: the accounts it was built from (empty for other lists)
 */
record Listing(long[] ids, long total, Set<Long> authors) {
    static final int DEPTH = 500;

    /**
     * One list: all articles, or those that meet each filter given (null: not filtered by it). A feed is the
     * articles by the accounts {@code feedOf} follows.
     */
    record Key(String tag, Long author, Long favoritedBy, Long feedOf) {
        static final Key ALL = new Key(null, null, null, null);

        static Key feed(long viewer) {
            return new Key(null, null, null, viewer);
        }

        /** Whether {@code change} may have changed which articles {@code listing} (of this key) holds. */
        boolean affectedBy(ArticleChange change, Listing listing) {
            if (tag != null && !change.tags().contains(tag)) {
                return false;
            }
            if (change.kind() == ArticleChange.Kind.EDITED) {
                return tag != null; // an edit moves an article in or out of a list only by its tags
            }
            if (author != null && author != change.authorId()) {
                return false;
            }
            if (feedOf != null && !listing.authors().contains(change.authorId())) {
                return false;
            }
            if (favoritedBy != null) {
                // nobody has favorited a new article yet; a deleted one leaves the lists that held it
                return change.kind() == ArticleChange.Kind.DELETED && listing.mayHold(change.id());
            }
            return true;
        }

        boolean isFavoritesOf(long userId) {
            return Objects.equals(favoritedBy, userId);
        }

        boolean isFeedOf(long userId) {
            return Objects.equals(feedOf, userId);
        }
    }

    /** The ids of the page, or null when it lies beyond what is held. */
    long[] page(int limit, int offset) {
        if (offset >= total) {
            return new long[0];
        }
        long end = Math.min((long) offset + limit, total);
        if (end > ids.length) {
            return null;
        }
        return Arrays.copyOfRange(ids, offset, (int) end);
    }

    boolean mayHold(long id) {
        return ids.length < total || Arrays.stream(ids).anyMatch(held -> held == id);
    }

    int weight() {
        return 64 + 8 * ids.length + 32 * authors.size();
    }
}

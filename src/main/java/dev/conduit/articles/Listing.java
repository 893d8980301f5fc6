package dev.conduit.articles;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * The newest ids of one list of articles (the first {@link #DEPTH} of them, with when each was created) and how
 * many match in all. Pages within that depth are cut from it; deeper pages ask the database with the same filters.
 *
 * @param created each id's creation time, in microseconds since the epoch: the list's order with the id
 * @param authors for a feed: the accounts it was built from (empty for other lists)
 */
record Listing(long[] ids, long[] created, long total, Set<Long> authors) {
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

        /**
         * Whether {@code change} may have changed which articles {@code listing} (of this key) holds; for a
         * creation, whether the new article belongs in it. A null listing (one being read): whether it may.
         */
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
            if (feedOf != null && listing != null && !listing.authors().contains(change.authorId())) {
                return false;
            }
            if (favoritedBy != null) {
                // nobody has favorited a new article yet; a deleted one leaves the lists that held it
                return change.kind() == ArticleChange.Kind.DELETED && (listing == null || listing.mayHold(change.id()));
            }
            return true;
        }

        boolean isFavoritesOf(long userId) {
            return Objects.equals(favoritedBy, userId);
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
        return !complete() || indexOf(id) >= 0;
    }

    /**
     * This list with article {@code id}, created at {@code createdAt}, added in its place, or null when that
     * place lies past the ids held (they cannot tell it apart from an article held further down). Adding an
     * article already held changes nothing: the list was read after it was created.
     */
    Listing with(long id, Instant createdAt) {
        return with(id, ChronoUnit.MICROS.between(Instant.EPOCH, createdAt));
    }

    private Listing with(long id, long createdAt) {
        if (indexOf(id) >= 0) {
            return this;
        }
        int at = 0;
        while (at < ids.length && (created[at] > createdAt || created[at] == createdAt && ids[at] > id)) {
            at++;
        }
        if (at == ids.length && !complete()) {
            return null;
        }
        int kept = Math.min(ids.length + 1, DEPTH);
        return new Listing(inserted(ids, at, id, kept), inserted(created, at, createdAt, kept), total + 1, authors);
    }

    /** The first {@code kept} values of {@code values} with {@code value} inserted at {@code at}. */
    private static long[] inserted(long[] values, int at, long value, int kept) {
        long[] result = new long[kept];
        System.arraycopy(values, 0, result, 0, Math.min(at, kept));
        if (at < kept) {
            result[at] = value;
            System.arraycopy(values, at, result, at + 1, kept - at - 1);
        }
        return result;
    }

    /**
     * This list without article {@code id}, or null when it does not hold it but might have counted it (the
     * article may lie past the ids held). A complete list that does not hold it was read after it was deleted.
     */
    Listing without(long id) {
        int at = indexOf(id);
        if (at < 0) {
            return complete() ? this : null;
        }
        return new Listing(removed(ids, at), removed(created, at), total - 1, authors);
    }

    private static long[] removed(long[] values, int at) {
        long[] result = new long[values.length - 1];
        System.arraycopy(values, 0, result, 0, at);
        System.arraycopy(values, at + 1, result, at, values.length - at - 1);
        return result;
    }

    int weight() {
        return 64 + 16 * ids.length + 32 * authors.size();
    }

    /** Whether every match is held. */
    private boolean complete() {
        return ids.length == total;
    }

    private int indexOf(long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }
}

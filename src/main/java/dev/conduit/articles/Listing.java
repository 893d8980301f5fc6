package dev.conduit.articles;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The newest ids of one list of articles (the first {@link #DEPTH} of them, with when each was created) and how
 * many match in all. Pages within that depth are cut from it; deeper pages ask the database with the same filters.
 *
 * <p>A list is immutable to its readers, but its ids are held oldest first in arrays with room above the newest:
 * a new article, which is almost always the newest, is written into that room, and the list's next version shares
 * the arrays with this one. Each version reads only its own range, and a slot above it is claimed once, so the
 * versions never see each other's writes. Copying both arrays for every new article (for each of the dozen lists it
 * joins) made most of what young collections copied and much of the old generation's garbage. A list that cannot
 * take an article in place (no room left, an article that goes below the newest, one deleted) is copied, with new
 * room.
 */
final class Listing {
    static final int DEPTH = 500;
    /** Room above the newest: a list that gains an article with every creation is copied once per this many. */
    private static final int ROOM = 32;

    private final Column column;
    /** This version's range of {@link #column}: oldest at {@code from}, newest at {@code to - 1}. */
    private final int from;
    private final int to;
    private final long total;
    private final Set<Long> authors;

    /**
     * Ids and their creation times (microseconds since the epoch), oldest first; slots below {@code claimed} belong
     * to some version, those above are free.
     */
    private record Column(long[] ids, long[] created, AtomicInteger claimed) {
    }

    /**
     * @param ids the newest ids, newest first
     * @param created each id's creation time, in microseconds since the epoch: the list's order with the id
     * @param total how many articles match in all
     * @param authors for a feed: the accounts it was built from (empty for other lists)
     */
    Listing(long[] ids, long[] created, long total, Set<Long> authors) {
        int n = ids.length;
        var column = new Column(new long[n + ROOM], new long[n + ROOM], new AtomicInteger(n));
        for (int i = 0; i < n; i++) {
            column.ids[n - 1 - i] = ids[i];
            column.created[n - 1 - i] = created[i];
        }
        this(column, 0, n, total, authors);
    }

    private Listing(Column column, int from, int to, long total, Set<Long> authors) {
        this.column = column;
        this.from = from;
        this.to = to;
        this.total = total;
        this.authors = authors;
    }

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

    /** How many articles match in all, held or not. */
    long total() {
        return total;
    }

    /** For a feed: the accounts it was built from. */
    Set<Long> authors() {
        return authors;
    }

    /** The ids held, newest first. */
    long[] ids() {
        long[] ids = new long[size()];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = idAt(k);
        }
        return ids;
    }

    /** The ids of the page, or null when it lies beyond what is held. */
    long[] page(int limit, int offset) {
        if (offset >= total) {
            return new long[0];
        }
        long end = Math.min((long) offset + limit, total);
        if (end > size()) {
            return null;
        }
        long[] page = new long[(int) end - offset];
        for (int k = 0; k < page.length; k++) {
            page[k] = idAt(offset + k);
        }
        return page;
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
        int size = size();
        int at = 0; // its place, newest first
        while (at < size && (createdAt(at) > createdAt || createdAt(at) == createdAt && idAt(at) > id)) {
            at++;
        }
        if (at == size && !complete()) {
            return null;
        }
        if (at == 0 && to < column.ids.length && column.claimed.compareAndSet(to, to + 1)) {
            column.ids[to] = id;
            column.created[to] = createdAt;
            return new Listing(column, Math.max(from, to + 1 - DEPTH), to + 1, total + 1, authors);
        }
        int kept = Math.min(size + 1, DEPTH);
        long[] ids = new long[kept];
        long[] created = new long[kept];
        for (int k = 0, held = 0; k < kept; k++) {
            if (k == at) {
                ids[k] = id;
                created[k] = createdAt;
            } else {
                ids[k] = idAt(held);
                created[k] = createdAt(held);
                held++;
            }
        }
        return new Listing(ids, created, total + 1, authors);
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
        long[] ids = new long[size() - 1];
        long[] created = new long[ids.length];
        for (int k = 0, held = 0; k < ids.length; k++, held++) {
            if (held == at) {
                held++;
            }
            ids[k] = idAt(held);
            created[k] = createdAt(held);
        }
        return new Listing(ids, created, total - 1, authors);
    }

    /** The memory it holds, for the cache's weight: its arrays (room included) and a feed's authors. */
    int weight() {
        return 64 + 16 * column.ids.length + 32 * authors.size();
    }

    private int size() {
        return to - from;
    }

    /** Whether every match is held. */
    private boolean complete() {
        return size() == total;
    }

    /** The id held at {@code k}, newest first. */
    private long idAt(int k) {
        return column.ids[to - 1 - k];
    }

    private long createdAt(int k) {
        return column.created[to - 1 - k];
    }

    /** Where {@code id} is held, newest first, or -1. */
    private int indexOf(long id) {
        for (int k = 0; k < size(); k++) {
            if (idAt(k) == id) {
                return k;
            }
        }
        return -1;
    }
}

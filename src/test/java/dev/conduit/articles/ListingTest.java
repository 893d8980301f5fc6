package dev.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Which lists a change touches, and pages cut from a held list, without a server. */
class ListingTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final Listing HELD = listing(new long[] {9, 8, 7}, 3, Set.of());
    private static final Listing TRUNCATED = listing(new long[] {9, 8, 7}, 50, Set.of(4L));

    @Test
    void pagesWithinTheHeldIdsAreCutFromThem() {
        assertThat(HELD.page(2, 0)).containsExactly(9, 8);
        assertThat(HELD.page(20, 1)).containsExactly(8, 7);
        assertThat(HELD.page(20, 3)).isEmpty();
        assertThat(TRUNCATED.page(2, 1)).containsExactly(8, 7);
        assertThat(TRUNCATED.page(2, 2)).isNull();
    }

    @Test
    void aNewArticleTouchesTheListsWhoseFiltersItMeets() {
        var created = new ArticleChange(ArticleChange.Kind.CREATED, 10, 4, T, Set.of("java"), Set.of());

        assertThat(Listing.Key.ALL.affectedBy(created, HELD)).isTrue();
        assertThat(new Listing.Key("java", null, null, null).affectedBy(created, HELD)).isTrue();
        assertThat(new Listing.Key("go", null, null, null).affectedBy(created, HELD)).isFalse();
        assertThat(new Listing.Key(null, 4L, null, null).affectedBy(created, HELD)).isTrue();
        assertThat(new Listing.Key(null, 5L, null, null).affectedBy(created, HELD)).isFalse();
        assertThat(new Listing.Key(null, null, 4L, null).affectedBy(created, HELD)).isFalse();
        assertThat(Listing.Key.feed(1).affectedBy(created, TRUNCATED)).isTrue();
        assertThat(Listing.Key.feed(1).affectedBy(created, HELD)).isFalse();
    }

    @Test
    void anEditTouchesOnlyTheListsOfTheTagsItChanged() {
        var edited = new ArticleChange(ArticleChange.Kind.EDITED, 9, 4, T, Set.of("java"), Set.of());

        assertThat(Listing.Key.ALL.affectedBy(edited, HELD)).isFalse();
        assertThat(new Listing.Key(null, 4L, null, null).affectedBy(edited, HELD)).isFalse();
        assertThat(new Listing.Key("java", null, null, null).affectedBy(edited, HELD)).isTrue();
        assertThat(new Listing.Key("go", null, null, null).affectedBy(edited, HELD)).isFalse();
    }

    @Test
    void aDeletedArticleLeavesTheFavoritesListsThatMayHoldIt() {
        var deleted = new ArticleChange(ArticleChange.Kind.DELETED, 8, 4, T, Set.of(), Set.of());
        var favorites = new Listing.Key(null, null, 2L, null);

        assertThat(favorites.affectedBy(deleted, HELD)).isTrue();
        assertThat(favorites.affectedBy(deleted, listing(new long[] {9}, 1, Set.of()))).isFalse();
        assertThat(favorites.affectedBy(deleted, listing(new long[] {9}, 2, Set.of()))).isTrue();
    }

    @Test
    void aNewArticleGoesInItsPlaceByCreationTimeThenId() {
        var list = listing(new long[] {9, 8, 7}, 3, Set.of()); // created at T+9s, T+8s, T+7s

        assertThat(list.with(10, T.plusSeconds(10)).ids()).containsExactly(10, 9, 8, 7);
        assertThat(list.with(10, T.plusSeconds(10)).total()).isEqualTo(4);
        // committed out of creation order: it goes below the newer ones
        assertThat(list.with(20, T.plusMillis(8500)).ids()).containsExactly(9, 20, 8, 7);
        // same time: the higher id first, as "order by created_at desc, id desc"
        assertThat(list.with(3, T.plusSeconds(8)).ids()).containsExactly(9, 8, 3, 7);
        assertThat(list.with(1, T).ids()).containsExactly(9, 8, 7, 1);
    }

    @Test
    void addingAnArticleAlreadyHeldChangesNothing() {
        assertThat(HELD.with(8, T.plusSeconds(8))).isSameAs(HELD);
    }

    @Test
    void aListCutShortCannotPlaceAnArticleOlderThanAllItHolds() {
        assertThat(TRUNCATED.with(1, T)).isNull();
        assertThat(TRUNCATED.with(10, T.plusSeconds(10)).total()).isEqualTo(51);
    }

    @Test
    void aFullListKeepsItsDepth() {
        long[] ids = LongStream.range(0, Listing.DEPTH).map(i -> Listing.DEPTH - i).toArray();
        var full = listing(ids, Listing.DEPTH, Set.of());

        var grown = full.with(Listing.DEPTH + 1, T.plusSeconds(Listing.DEPTH + 1));

        assertThat(grown.ids()).hasSize(Listing.DEPTH).startsWith(Listing.DEPTH + 1, Listing.DEPTH);
        assertThat(grown.total()).isEqualTo(Listing.DEPTH + 1);
        assertThat(grown.page(20, Listing.DEPTH - 10)).isNull();
        assertThat(full.with(0, T.minusSeconds(1)).ids()).isEqualTo(ids);
    }

    @Test
    void twoVersionsGrownFromOneListDoNotSeeEachOthersArticles() {
        var base = listing(new long[] {9, 8, 7}, 3, Set.of());

        var withTen = base.with(10, T.plusSeconds(10));
        var withEleven = base.with(11, T.plusSeconds(11)); // the room above 9 was taken by the first

        assertThat(withTen.ids()).containsExactly(10, 9, 8, 7);
        assertThat(withEleven.ids()).containsExactly(11, 9, 8, 7);
        assertThat(base.ids()).containsExactly(9, 8, 7);
        assertThat(withTen.with(12, T.plusSeconds(12)).ids()).containsExactly(12, 10, 9, 8, 7);
        assertThat(withEleven.ids()).containsExactly(11, 9, 8, 7);
    }

    @Test
    void aListGrownFarPastItsRoomKeepsItsOrderAndDepth() {
        long[] ids = LongStream.range(0, Listing.DEPTH).map(i -> Listing.DEPTH - i).toArray();
        var list = listing(ids, Listing.DEPTH, Set.of());
        var versions = new java.util.ArrayList<Listing>();
        for (long id = Listing.DEPTH + 1; id <= Listing.DEPTH + 200; id++) {
            list = list.with(id, T.plusSeconds(id));
            versions.add(list);
        }

        assertThat(list.total()).isEqualTo(Listing.DEPTH + 200);
        assertThat(list.ids()).hasSize(Listing.DEPTH)
                .isEqualTo(LongStream.range(0, Listing.DEPTH).map(i -> Listing.DEPTH + 200 - i).toArray());
        // every earlier version still reads what it held
        for (int v = 0; v < versions.size(); v++) {
            long newest = Listing.DEPTH + 1 + v;
            assertThat(versions.get(v).ids()).hasSize(Listing.DEPTH).startsWith(newest, newest - 1)
                    .endsWith(newest - Listing.DEPTH + 1);
        }
        assertThat(list.page(3, 1)).containsExactly(Listing.DEPTH + 199, Listing.DEPTH + 198, Listing.DEPTH + 197);
    }

    @Test
    void aDeletedArticleLeavesTheListThatHeldIt() {
        assertThat(HELD.without(8).ids()).containsExactly(9, 7);
        assertThat(HELD.without(8).total()).isEqualTo(2);
        assertThat(HELD.without(5)).isSameAs(HELD);
        assertThat(TRUNCATED.without(8).total()).isEqualTo(49);
        assertThat(TRUNCATED.without(5)).isNull();
    }

    /** A listing of {@code ids}, each created {@code id} seconds after T. */
    private static Listing listing(long[] ids, long total, Set<Long> authors) {
        long[] created = LongStream.of(ids).map(id -> ChronoUnit.MICROS.between(Instant.EPOCH, T.plusSeconds(id))).toArray();
        return new Listing(ids, created, total, authors);
    }
}

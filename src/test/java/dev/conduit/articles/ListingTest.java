package dev.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which lists a change touches, and pages cut from a held list, without a server. */
class ListingTest {
    private static final Listing HELD = new Listing(new long[] {9, 8, 7}, 3, Set.of());
    private static final Listing TRUNCATED = new Listing(new long[] {9, 8, 7}, 50, Set.of(4L));

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
        var created = new ArticleChange(ArticleChange.Kind.CREATED, 10, 4, Set.of("java"), Set.of());

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
        var edited = new ArticleChange(ArticleChange.Kind.EDITED, 9, 4, Set.of("java"), Set.of());

        assertThat(Listing.Key.ALL.affectedBy(edited, HELD)).isFalse();
        assertThat(new Listing.Key(null, 4L, null, null).affectedBy(edited, HELD)).isFalse();
        assertThat(new Listing.Key("java", null, null, null).affectedBy(edited, HELD)).isTrue();
        assertThat(new Listing.Key("go", null, null, null).affectedBy(edited, HELD)).isFalse();
    }

    @Test
    void aDeletedArticleLeavesTheFavoritesListsThatMayHoldIt() {
        var deleted = new ArticleChange(ArticleChange.Kind.DELETED, 8, 4, Set.of(), Set.of());
        var favorites = new Listing.Key(null, null, 2L, null);

        assertThat(favorites.affectedBy(deleted, HELD)).isTrue();
        assertThat(favorites.affectedBy(deleted, new Listing(new long[] {9}, 1, Set.of()))).isFalse();
        assertThat(favorites.affectedBy(deleted, new Listing(new long[] {9}, 2, Set.of()))).isTrue();
    }
}

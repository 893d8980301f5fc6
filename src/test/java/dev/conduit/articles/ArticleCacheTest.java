package dev.conduit.articles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.ChangeFeed;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Changes heard out of their commit order, without a server. */
class ArticleCacheTest {
    private static final Listing RELOADED = new Listing(new long[0], new long[0], 0, Set.of());

    private final ChangeFeed feed = new ChangeFeed();
    private final ArticleCache cache = new ArticleCache(feed, new CacheBudget(8 << 20));

    @Test
    void aCreationHeardAfterTheDeleteOfItsArticleDoesNotPutItBackInTheLists() {
        Instant now = Instant.now();
        cache.listings.get(Listing.Key.ALL, key -> held(now.minusSeconds(1)));

        feed.publish(new ArticleChange(ArticleChange.Kind.DELETED, 10, 4, now, Set.of(), Set.of("late")));
        feed.publish(new ArticleChange(ArticleChange.Kind.CREATED, 10, 4, now, Set.of(), Set.of()));

        assertThat(cache.listings.get(Listing.Key.ALL, key -> RELOADED)).isSameAs(RELOADED);
    }

    @Test
    void onlyYoungArticlesAreRememberedAsChanged() {
        Instant old = Instant.now().minus(1, ChronoUnit.HOURS);
        cache.listings.get(Listing.Key.ALL, key -> held(old.minusSeconds(1)));

        feed.publish(new ArticleChange(ArticleChange.Kind.EDITED, 10, 4, old, Set.of(), Set.of()));
        feed.publish(new ArticleChange(ArticleChange.Kind.CREATED, 10, 4, old, Set.of(), Set.of()));

        assertThat(cache.listings.get(Listing.Key.ALL, key -> RELOADED).ids()).containsExactly(10, 1);
    }

    /** A complete list of one article, created at {@code at}. */
    private static Listing held(Instant at) {
        return new Listing(new long[] {1}, new long[] {ChronoUnit.MICROS.between(Instant.EPOCH, at)}, 1, Set.of());
    }
}

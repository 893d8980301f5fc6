package dev.conduit.articles;

import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.profiles.Followed;
import java.util.List;
import java.util.Set;

/**
 * What articles keep in memory, and which change invalidates what (each change is published by the logic that
 * made it, after its commit):
 * <ul>
 * <li>{@code summaries}: id → the article without body. {@link ArticleChange}, {@link FavoriteChange} (its
 *     count) remove it.</li>
 * <li>{@code bodies}: id → body. {@link ArticleChange} removes it.</li>
 * <li>{@code slugs}: slug → id. {@link ArticleChange} removes the slugs that stopped naming the article.</li>
 * <li>{@code listings}: a list's filters → its newest ids and total. {@link ArticleChange} removes the lists the
 *     article entered or left ({@link Listing.Key#affectedBy}); {@link FavoriteChange} the favorites list of
 *     that user; {@link Followed} the feed of that user.</li>
 * <li>{@code favorites}: user id → ids of the articles they favorited. {@link FavoriteChange} removes it.</li>
 * <li>{@code tags}: the tag list. An {@link ArticleChange} that adds or removes a tag removes it.</li>
 * </ul>
 */
final class ArticleCache {
    static final String TAGS = "tags";

    final Cached<Long, Summary> summaries;
    final Cached<Long, String> bodies;
    final Cached<String, Long> slugs;
    final Cached<Listing.Key, Listing> listings;
    final Cached<Long, Set<Long>> favorites;
    final Cached<String, List<String>> tags = Cached.counting("articles.tags", 1);

    /** Takes 65 % of {@code budget}. */
    ArticleCache(ChangeFeed feed, CacheBudget budget) {
        summaries = budget.share("articles.summaries", 15, (id, summary) -> summary.weight());
        bodies = budget.share("articles.bodies", 30, (id, body) -> 56 + body.length());
        slugs = budget.share("articles.slugs", 5, (slug, id) -> 72 + slug.length());
        listings = budget.share("articles.listings", 10, (key, listing) -> listing.weight());
        favorites = budget.share("articles.favorites", 5, (user, ids) -> 64 + 32 * ids.size());
        feed.subscribe(ArticleChange.class, change -> {
            summaries.invalidate(change.id());
            bodies.invalidate(change.id());
            change.slugs().forEach(slugs::invalidate);
            listings.invalidateIf((key, listing) -> key.affectedBy(change, listing));
            if (!change.tags().isEmpty()) {
                tags.invalidateAll();
            }
        });
        feed.subscribe(FavoriteChange.class, change -> {
            summaries.invalidate(change.articleId());
            favorites.invalidate(change.userId());
            listings.invalidateIf((key, listing) -> key.isFavoritesOf(change.userId()));
        });
        feed.subscribe(Followed.class, change ->
                listings.invalidateIf((key, listing) -> key.isFeedOf(change.follower())));
    }

    List<Cached<?, ?>> all() {
        return List.of(summaries, bodies, slugs, listings, favorites, tags);
    }
}

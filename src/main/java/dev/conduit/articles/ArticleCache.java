package dev.conduit.articles;

import com.github.benmanes.caffeine.cache.Cache;
import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.json.JsonText;
import dev.conduit.profiles.Followed;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What articles keep in memory, and which change invalidates what (each change is published by the logic that
 * made it, after its commit):
 * <ul>
 * <li>{@code summaries}: id → the article without body. {@link ArticleChange} removes it; a
 *     {@link FavoriteChange} sets its count.</li>
 * <li>{@code bodies}: id → body. {@link ArticleChange} removes it.</li>
 * <li>{@code slugs}: slug → id. {@link ArticleChange} removes the slugs that stopped naming the article.</li>
 * <li>{@code listings}: a list's filters → its newest ids and total. A created article is put in its place in
 *     the lists it joins ({@link Listing.Key#affectedBy}), a deleted one taken out of those that held it, so
 *     most lists survive both (a list that cannot tell where the article goes, one cut short above it, is
 *     removed). An edit removes the lists the article entered or left by its tags; {@link Followed} the feed
 *     of that user.</li>
 * <li>{@code favoriteListings}: the same for lists filtered by who favorited, kept apart because every
 *     {@link FavoriteChange} removes those of its user: a change chosen by predicate passes over every entry of
 *     its cache, holding it, and favorites are frequent (in one profile of {@code mixed}, a pass over all lists
 *     per favorite took 8 % of the server's CPU).</li>
 * <li>{@code favorites}: user id → ids of the articles they favorited. A {@link FavoriteChange} adds or
 *     removes the article.</li>
 * <li>{@code tags}: the tag list. An {@link ArticleChange} that adds or removes a tag removes it.</li>
 * </ul>
 */
final class ArticleCache {
    static final String TAGS = "tags";

    final Cached<Long, Summary> summaries;
    final Cached<Long, JsonText> bodies;
    final Cached<String, Long> slugs;
    final Cached<Listing.Key, Listing> listings;
    final Cached<Listing.Key, Listing> favoriteListings;
    final Cached<Long, Set<Long>> favorites;
    final Cached<String, List<String>> tags = Cached.counting("articles.tags", 1);
    /**
     * Articles edited or deleted while young. Changes are handled in the order their writers publish them, which
     * for one article need not be the order they committed in: a delete that found the new row may be heard
     * before its creation. A creation heard after a later change of its article removes the lists instead of
     * adding to them. Only a young article's creation can still be unheard (a writer publishes moments after its
     * commit; five minutes also covers a database clock somewhat off ours), so only young ones are kept, and
     * only for as long: never dropped early by size, the set holds at most five minutes' worth of creations.
     * Raw Caffeine, not {@link Cached}: an expiring set, not a cache of loaded values.
     */
    private static final Duration YOUNG = Duration.ofMinutes(5);
    private final Cache<Long, Boolean> changedWhileYoung = Cached.builder().expireAfterWrite(YOUNG).build();

    /** Takes 65 % of {@code budget}. */
    ArticleCache(ChangeFeed feed, CacheBudget budget) {
        summaries = budget.share("articles.summaries", 15, (id, summary) -> summary.weight());
        bodies = budget.share("articles.bodies", 30, (id, body) -> 56 + body.bytes());
        slugs = budget.share("articles.slugs", 5, (slug, id) -> 72 + slug.length());
        listings = budget.share("articles.listings", 8, (key, listing) -> listing.weight());
        favoriteListings = budget.share("articles.favoriteListings", 2, (key, listing) -> listing.weight());
        favorites = budget.share("articles.favorites", 5, (user, ids) -> 64 + 32 * ids.size());
        feed.subscribe(ArticleChange.class, this::articleChanged, this::articleChangedElsewhere);
        feed.subscribe(FavoriteChange.class, change -> {
            summaries.update(change.articleId(), summary -> summary.withFavoritesCount(change.favoritesCount()));
            favorites.update(change.userId(), ids -> toggled(ids, change.articleId(), change.favorited()));
            favoriteListings.invalidateIf((key, listing) -> key.isFavoritesOf(change.userId()));
        }, change -> {
            summaries.invalidate(change.articleId());
            favorites.invalidate(change.userId());
            favoriteListings.invalidateIf((key, listing) -> key.isFavoritesOf(change.userId()));
        });
        feed.subscribe(Followed.class, change -> listings.invalidate(Listing.Key.feed(change.follower())));
    }

    /** The cache that holds the list {@code key} names. */
    Cached<Listing.Key, Listing> listingsOf(Listing.Key key) {
        return key.favoritedBy() != null ? favoriteListings : listings;
    }

    /** {@code ids} with {@code id} in it or not, as {@code present} says. */
    private static Set<Long> toggled(Set<Long> ids, long id, boolean present) {
        if (ids.contains(id) == present) {
            return ids;
        }
        var changed = new HashSet<>(ids);
        if (present) {
            changed.add(id);
        } else {
            changed.remove(id);
        }
        return Set.copyOf(changed);
    }

    private void rememberIfYoung(ArticleChange change) {
        if (change.createdAt().isAfter(Instant.now().minus(YOUNG))) {
            changedWhileYoung.put(change.id(), true);
        }
    }

    List<Cached<?, ?>> all() {
        return List.of(summaries, bodies, slugs, listings, favoriteListings, favorites, tags);
    }

    /** One at a time, so a creation and a later change of the same article cannot interleave their list updates. */
    private synchronized void articleChanged(ArticleChange change) {
        forget(change);
        switch (change.kind()) {
            // nobody has favorited a new article yet: it joins no favorites list, so their cache is not passed over
            case CREATED -> {
                if (changedWhileYoung.getIfPresent(change.id()) != null) {
                    listings.invalidateIf((key, listing) -> key.affectedBy(change, listing));
                } else {
                    listings.updateIf((key, listing) -> key.affectedBy(change, listing),
                            (key, listing) -> listing.with(change.id(), change.createdAt()));
                }
            }
            case EDITED -> {
                rememberIfYoung(change);
                for (var lists : List.of(listings, favoriteListings)) {
                    lists.invalidateIf((key, listing) -> key.affectedBy(change, listing));
                }
            }
            case DELETED -> {
                rememberIfYoung(change);
                for (var lists : List.of(listings, favoriteListings)) {
                    lists.updateIf((key, listing) -> key.affectedBy(change, listing),
                            (key, listing) -> listing.without(change.id()));
                }
            }
        }
    }

    /**
     * Another writer's change, or this node's while others share the database: the lists it may have moved go too, to
     * be read again. But a new article joins them in place, as on a node alone: it carries all they need (its id,
     * author, creation time; its tags come apart, as edits that drop the tags' lists), and a change of it heard first
     * voids that (below). Dropping every list a new article joins (the newest articles, its author's, its author's
     * followers' feeds: each a count and 500 ids to load again, on every node) cost two nodes 8x the PostgreSQL CPU
     * per request of one in the bench's mixed load.
     */
    private synchronized void articleChangedElsewhere(ArticleChange change) {
        if (change.kind() == ArticleChange.Kind.CREATED) {
            articleChanged(change);
            return;
        }
        // heard before the article's creation is applied, a removal must void that creation's list updates
        if (change.createdAt() != null) {
            rememberIfYoung(change);
        }
        forget(change);
        for (var lists : List.of(listings, favoriteListings)) {
            lists.invalidateIf((key, listing) -> key.affectedBy(change, listing));
        }
    }

    /** Drops the article's own entries, and the tag list if the change moved a tag. */
    private void forget(ArticleChange change) {
        summaries.invalidate(change.id());
        bodies.invalidate(change.id());
        change.slugs().forEach(slugs::invalidate);
        if (!change.tags().isEmpty()) {
            tags.invalidateAll();
        }
    }
}

package dev.conduit.profiles;

import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.users.AccountChanged;
import java.util.List;
import java.util.Set;

/**
 * What profiles keep in memory, and which change invalidates what:
 * <ul>
 * <li>{@code cards}: account id → what others see of it. {@link AccountChanged} removes it.</li>
 * <li>{@code ids}: lower-cased username → account id. {@link AccountChanged} removes the account's names (a
 *     rename frees the old one). Only names found are kept, so a new account needs nothing removed.</li>
 * <li>{@code following}: account id → the ids it follows. {@link Followed} removes it.</li>
 * </ul>
 */
final class ProfileCache {
    final Cached<Long, ProfileStore.Card> cards;
    final Cached<String, Long> ids;
    final Cached<Long, Set<Long>> following;

    /** Takes 15 % of {@code budget}. */
    ProfileCache(ChangeFeed feed, CacheBudget budget) {
        cards = budget.share("profiles.cards", 5, (id, card) -> card.weight());
        ids = budget.share("profiles.ids", 5, (name, id) -> 72 + name.length());
        following = budget.share("profiles.following", 5, (user, ids) -> 64 + 32 * ids.size());
        feed.subscribe(AccountChanged.class, change -> {
            cards.invalidate(change.userId());
            // a load in progress (null) cannot tell yet whose name it reads: it may be this account's old one
            ids.invalidateIf((name, id) -> id == null || id == change.userId());
        });
        feed.subscribe(Followed.class, change -> following.invalidate(change.follower()));
    }

    List<Cached<?, ?>> all() {
        return List.of(cards, ids, following);
    }
}

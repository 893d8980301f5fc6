package dev.conduit.users;

import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import java.util.List;

/**
 * What accounts keep in memory, and which change invalidates what:
 * <ul>
 * <li>{@code tokenVersions}: account id → the generation of tokens it accepts, asked on every authenticated
 *     request. {@link AccountChanged} removes it (a password change moves it on). As many entries as
 *     {@code Tokens} keeps verified tokens: more active accounts than that cost a verification and a query each.</li>
 * </ul>
 */
final class UserCache {
    final Cached<Long, Integer> tokenVersions = Cached.counting("users.tokenVersions", 10_000);

    UserCache(ChangeFeed feed) {
        feed.subscribe(AccountChanged.class, change -> tokenVersions.invalidate(change.userId()));
    }

    List<Cached<?, ?>> all() {
        return List.of(tokenVersions);
    }
}

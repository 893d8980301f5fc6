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
 * <li>{@code recipients}: account id → its address, whether verified, and the notices it wants, asked by each
 *     follow and comment when email is on. {@link AccountChanged} removes it.</li>
 * </ul>
 */
final class UserCache {
    final Cached<Long, Integer> tokenVersions = Cached.counting("users.tokenVersions", 10_000);
    final Cached<Long, Users.Recipient> recipients = Cached.counting("users.recipients", 10_000);

    UserCache(ChangeFeed feed) {
        feed.subscribe(AccountChanged.class, change -> {
            tokenVersions.invalidate(change.userId());
            recipients.invalidate(change.userId());
        });
    }

    List<Cached<?, ?>> all() {
        return List.of(tokenVersions, recipients);
    }
}

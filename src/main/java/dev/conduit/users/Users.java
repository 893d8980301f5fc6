package dev.conduit.users;

import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.domain.Violations;
import dev.conduit.platform.jobs.Events;
import dev.conduit.platform.security.PasswordHasher;
import dev.conduit.platform.security.Tokens;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Accounts: registration, login, the current user and its changes (published as {@link AccountChanged}), and
 * which tokens each accepts: a password change ends the tokens issued before it (see {@link UserCache}). A new
 * address (a registration's, a change's) is told as {@value #ADDRESS_TO_VERIFY}, for its verification by email.
 */
public final class Users {
    public static final String ADDRESS_TO_VERIFY = "account.address";

    /** The data of an {@value #ADDRESS_TO_VERIFY} event. */
    public record AddressToVerify(long userId, String username, String email) {
    }

    /** Where and whether an account hears from us by email. */
    public record Recipient(long userId, String username, String email, boolean verified, Notices notices) {
    }

    private final Jdbi jdbi;
    private final UserStore store;
    private final PasswordHasher hasher;
    private final Tokens tokens;
    private final ChangeFeed feed;
    private final FailedLogins failedLogins;
    private final UserCache cache;
    private final Events events;

    public Users(Jdbi jdbi, PasswordHasher hasher, Tokens tokens, ChangeFeed feed, FailedLogins failedLogins,
                 Events events) {
        this.jdbi = jdbi;
        this.store = new UserStore();
        this.hasher = hasher;
        this.tokens = tokens;
        this.feed = feed;
        this.failedLogins = failedLogins;
        this.cache = new UserCache(feed);
        this.events = events;
    }

    public UserView register(String username, String email, String password) {
        var violations = new Violations();
        String name = UserRules.username(violations, username);
        String mail = UserRules.email(violations, email);
        UserRules.password(violations, password);
        violations.throwIfAny();

        rejectTaken(jdbi.withHandle(h -> store.taken(h, name, mail, 0)));
        String hash = hasher.hash(password);
        User user = events.write(jdbi, ADDRESS_TO_VERIFY, null, h -> store.insert(h, name, mail, hash), Users::toVerify);
        return UserView.of(user, tokens.issue(user.id(), user.tokenVersion()));
    }

    public UserView login(String email, String password) {
        var violations = new Violations();
        violations.required("email", email, UserRules.MAX_EMAIL, true);
        violations.required("password", password, UserRules.MAX_PASSWORD, false);
        violations.throwIfAny();

        failedLogins.check(email);
        var user = jdbi.withHandle(h -> store.findByEmail(h, email.strip()));
        boolean ok = user.isPresent()
                ? hasher.matches(password, user.get().passwordHash())
                : hasher.matchesNothing(password);
        if (!ok) {
            failedLogins.failed(email);
            throw new Failure.Unauthorized("credentials", "invalid");
        }
        return UserView.of(user.get(), tokens.issue(user.get().id(), user.get().tokenVersion()));
    }

    /** The caller's account, with the token they authenticated with. */
    public UserView current(long userId, String token) {
        User user = jdbi.withHandle(h -> store.findById(h, userId)).orElseThrow(Failure.Unauthorized::accountGone);
        return UserView.of(user, token);
    }

    public UserView update(long userId, String token, UserChanges changes) {
        var violations = new Violations();
        if (changes.isEmpty()) {
            violations.add("user", "must contain at least one field to change");
        }
        String username = changes.username() == null ? null : UserRules.username(violations, changes.username());
        String email = changes.email() == null ? null : UserRules.email(violations, changes.email());
        if (changes.password() != null) {
            UserRules.password(violations, changes.password());
        }
        String bio = UserRules.bio(violations, changes.bio());
        String image = UserRules.image(violations, changes.image());
        violations.throwIfAny();

        if (username != null || email != null) {
            rejectTaken(jdbi.withHandle(h -> store.taken(h, username, email, userId)));
        }
        String hash = changes.password() == null ? null : hasher.hash(changes.password());
        var valid = new UserChanges(username, email, null, changes.setBio(), bio, changes.setImage(), image,
                changes.notices());
        // a new address is told, to be verified (the same address again, already verified, is not)
        User user = (email == null ? jdbi.withHandle(h -> store.update(h, userId, valid, hash))
                : events.write(jdbi, ADDRESS_TO_VERIFY, userId, h -> store.update(h, userId, valid, hash),
                        updated -> updated.map(Users::toVerify).orElse(null)))
                .orElseThrow(Failure.Unauthorized::accountGone);
        feed.publish(new AccountChanged(userId));
        // the caller's token ended with the old password: the answer carries one of the new generation
        return UserView.of(user, hash == null ? token : tokens.issue(userId, user.tokenVersion()));
    }

    /**
     * Whether the account's tokens of generation {@code version} still hold: asked on every authenticated
     * request, answered from memory. An account that no longer exists is left to the request, which finds it gone
     * when it needs it (reads answer as for anyone).
     */
    public boolean acceptsTokens(long userId, int version) {
        Integer current = cache.tokenVersions.get(userId,
                id -> jdbi.withHandle(h -> store.tokenVersion(h, id)).orElse(null));
        return current == null || current == version;
    }

    /**
     * Marks {@code email} verified for account {@code userId}, if it is still the account's address (a link to an
     * address since changed verifies nothing).
     */
    public boolean verify(long userId, String email) {
        boolean verified = jdbi.withHandle(h -> store.verify(h, userId, email));
        if (verified) {
            feed.publish(new AccountChanged(userId));
        }
        return verified;
    }

    /** Turns notices of one kind or both on or off ({@code changes}' nulls are left as they are). */
    public void setNotices(long userId, Notices changes) {
        jdbi.withHandle(h -> store.update(h, userId, new UserChanges(null, null, null, false, null, false, null,
                changes), null)).orElseThrow(Failure.Unauthorized::accountGone);
        feed.publish(new AccountChanged(userId));
    }

    /** Where and whether account {@code userId} hears from us, from memory; empty: no such account. */
    public Optional<Recipient> recipient(long userId) {
        return Optional.ofNullable(cache.recipients.get(userId, id -> jdbi.withHandle(h -> store.findById(h, id))
                .map(u -> new Recipient(u.id(), u.username(), u.email(), u.verified(), u.notices())).orElse(null)));
    }

    /** An address to verify, told unless it is verified already (the same address sent again). */
    private static Events.Event toVerify(User user) {
        return new Events.Event(ADDRESS_TO_VERIFY, user.id(), user.id(),
                () -> user.verified() ? null : new AddressToVerify(user.id(), user.username(), user.email()));
    }

    /** The caches, for tests and metrics. */
    public List<Cached<?, ?>> caches() {
        return cache.all();
    }

    private static void rejectTaken(UserStore.Taken taken) {
        if (taken.username()) {
            throw Failure.Conflict.taken("username");
        }
        if (taken.email()) {
            throw Failure.Conflict.taken("email");
        }
    }
}

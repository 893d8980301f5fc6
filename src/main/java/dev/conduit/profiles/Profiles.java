package dev.conduit.profiles;

import dev.conduit.platform.cache.CacheBudget;
import dev.conduit.platform.cache.Cached;
import dev.conduit.platform.cache.ChangeFeed;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.jobs.Events;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Viewing profiles and following their owners. Reads come from {@link ProfileCache}; follow and unfollow check
 * the database itself (the target may have just gone) and then publish {@link Followed}.
 */
public final class Profiles {
    public static final String FOLLOWED = "profile.followed";
    private final Jdbi jdbi;
    private final ProfileStore store;
    private final ProfileCache cache;
    private final ChangeFeed feed;
    private final Events events;

    public Profiles(Jdbi jdbi, ChangeFeed feed, Events events, CacheBudget budget) {
        this.jdbi = jdbi;
        this.events = events;
        this.store = new ProfileStore();
        this.cache = new ProfileCache(feed, budget);
        this.feed = feed;
    }

    public Profile get(String username, Long viewer) {
        return idOf(username).flatMap(id -> find(id, viewer)).orElseThrow(Profiles::notFound);
    }

    /** The profile of account {@code id} as {@code viewer} sees it, if there is such an account. */
    public Optional<Profile> find(long id, Long viewer) {
        return Optional.ofNullable(viewedBy(List.of(id), viewer).get(id));
    }

    /** The account called {@code username} (ignoring case), if there is one. */
    public Optional<Long> idOf(String username) {
        return Optional.ofNullable(cache.ids.get(username.toLowerCase(Locale.ROOT),
                name -> jdbi.withHandle(h -> store.idOf(h, name)).orElse(null)));
    }

    /** The profiles of the accounts {@code ids} that exist, as {@code viewer} (null: anonymous) sees them. */
    public Map<Long, Profile> viewedBy(Collection<Long> ids, Long viewer) {
        var cards = cache.cards.getAll(ids, missing -> jdbi.withHandle(h -> store.cards(h, missing)));
        Set<Long> followed = viewer == null ? Set.of() : followedBy(viewer);
        var profiles = new HashMap<Long, Profile>(cards.size() * 2);
        cards.forEach((id, card) -> profiles.put(id, card.as(followed.contains(id))));
        return profiles;
    }

    /** The ids of the accounts {@code viewer} follows. */
    private Set<Long> followedBy(long viewer) {
        return cache.following.get(viewer, id -> jdbi.withHandle(h -> store.followedBy(h, id)));
    }

    /** Tells {@code events} of a new follower ({@value #FOLLOWED}; following again tells nothing). */
    public Profile follow(long viewer, String username) {
        // the id from memory: an account deleted meanwhile makes the insert fail (404)
        long target = idOf(username).orElseThrow(Profiles::notFound);
        if (target == viewer) {
            throw new Failure.Invalid("profile", "cannot follow yourself");
        }
        // the follower as others see them, read before the write's transaction, and only when someone listens
        var follower = events.wanted(FOLLOWED, target) ? find(viewer, null) : Optional.<Profile>empty();
        events.write(jdbi, FOLLOWED, target, h -> store.follow(h, viewer, target), followed -> followed
                && follower.isPresent() ? new Events.Event(FOLLOWED, target, viewer,
                        () -> Map.of("follower", follower.get())) : null);
        feed.publish(new Followed(viewer));
        return find(target, viewer).orElseThrow(Profiles::notFound);
    }

    public Profile unfollow(long viewer, String username) {
        var target = jdbi.withHandle(h -> {
            long id = store.idOf(h, username).orElseThrow(Profiles::notFound);
            store.unfollow(h, viewer, id);
            return id;
        });
        feed.publish(new Followed(viewer));
        return find(target, viewer).orElseThrow(Profiles::notFound);
    }

    /** The caches, for tests and metrics. */
    public List<Cached<?, ?>> caches() {
        return cache.all();
    }

    private static Failure notFound() {
        return new Failure.NotFound("profile");
    }
}

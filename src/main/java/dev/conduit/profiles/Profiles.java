package dev.conduit.profiles;

import dev.conduit.platform.domain.Failure;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Viewing profiles and following their owners. */
public final class Profiles {
    private final Jdbi jdbi;
    private final ProfileStore store;

    public Profiles(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.store = new ProfileStore();
    }

    public Profile get(String username, Long viewer) {
        return jdbi.withHandle(h -> target(h, username, viewer)).profile();
    }

    public Profile follow(long viewer, String username) {
        return jdbi.withHandle(h -> {
            var target = target(h, username, viewer);
            if (target.id() == viewer) {
                throw new Failure.Invalid("profile", "cannot follow yourself");
            }
            store.follow(h, viewer, target.id());
            return target.profile().withFollowing(true);
        });
    }

    public Profile unfollow(long viewer, String username) {
        return jdbi.withHandle(h -> {
            var target = target(h, username, viewer);
            store.unfollow(h, viewer, target.id());
            return target.profile().withFollowing(false);
        });
    }

    private ProfileStore.Target target(Handle h, String username, Long viewer) {
        return store.find(h, username, viewer).orElseThrow(() -> new Failure.NotFound("profile"));
    }
}

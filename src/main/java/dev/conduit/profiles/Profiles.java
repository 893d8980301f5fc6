package dev.conduit.profiles;

import dev.conduit.platform.http.ApiException;
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
        return jdbi.withHandle(h -> store.find(h, username, viewer))
                .orElseThrow(() -> new ApiException.NotFound("profile")).profile();
    }

    public Profile follow(long viewer, String username) {
        return jdbi.withHandle(h -> {
            var target = store.find(h, username, viewer).orElseThrow(() -> new ApiException.NotFound("profile"));
            if (target.id() == viewer) {
                throw new ApiException.Invalid("profile", "cannot follow yourself");
            }
            store.follow(h, viewer, target.id());
            return withFollowing(target.profile(), true);
        });
    }

    public Profile unfollow(long viewer, String username) {
        return jdbi.withHandle(h -> {
            var target = store.find(h, username, viewer).orElseThrow(() -> new ApiException.NotFound("profile"));
            store.unfollow(h, viewer, target.id());
            return withFollowing(target.profile(), false);
        });
    }

    private static Profile withFollowing(Profile p, boolean following) {
        return new Profile(p.username(), p.bio(), p.image(), following);
    }
}

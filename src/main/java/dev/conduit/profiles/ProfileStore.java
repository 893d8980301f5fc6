package dev.conduit.profiles;

import dev.conduit.platform.db.Refusals;
import dev.conduit.platform.domain.Failure;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** All SQL of profiles and follows. */
final class ProfileStore {
    /** Either account may be deleted between the lookup and the insert. */
    private static final Refusals FOLLOW_REFUSALS = Refusals.of(Map.of(
            "follows_follower_id_fkey", Failure.Unauthorized::accountGone,
            "follows_followed_id_fkey", () -> new Failure.NotFound("profile")));
    private static final String FIND = """
            select u.id, %s
            from users u
            where lower(u.username) = lower(:username)
            """.formatted(Profile.COLUMNS);

    /** The target's id and profile as {@code viewer} (null: anonymous) sees it. */
    record Target(long id, Profile profile) {
    }

    Optional<Target> find(Handle h, String username, Long viewer) {
        return h.createQuery(FIND)
                .bind("username", username)
                .bind("viewer", viewer)
                .map((rs, ctx) -> new Target(rs.getLong("id"), Profile.from(rs)))
                .findOne();
    }

    /** Idempotent: following twice (or two racing requests) leaves one row. */
    void follow(Handle h, long follower, long followed) {
        FOLLOW_REFUSALS.on(() -> h.createUpdate("""
                        insert into follows (follower_id, followed_id) values (:follower, :followed)
                        on conflict do nothing
                        """)
                .bind("follower", follower)
                .bind("followed", followed)
                .execute());
    }

    void unfollow(Handle h, long follower, long followed) {
        h.createUpdate("delete from follows where follower_id = :follower and followed_id = :followed")
                .bind("follower", follower)
                .bind("followed", followed)
                .execute();
    }
}

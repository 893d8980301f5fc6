package dev.conduit.profiles;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** All SQL of profiles and follows. */
final class ProfileStore {
    /** The target's id and profile as {@code viewer} (null: anonymous) sees it. */
    record Target(long id, Profile profile) {
    }

    Optional<Target> find(Handle h, String username, Long viewer) {
        return h.createQuery("""
                        select u.id, u.username, u.bio, u.image,
                               exists(select 1 from follows f
                                      where f.follower_id = :viewer and f.followed_id = u.id) as following
                        from users u
                        where lower(u.username) = lower(:username)
                        """)
                .bind("username", username)
                .bind("viewer", viewer)
                .map((rs, ctx) -> new Target(rs.getLong("id"), new Profile(rs.getString("username"),
                        rs.getString("bio"), rs.getString("image"), rs.getBoolean("following"))))
                .findOne();
    }

    /** Idempotent: following twice (or two racing requests) leaves one row. */
    void follow(Handle h, long follower, long followed) {
        h.createUpdate("""
                        insert into follows (follower_id, followed_id) values (:follower, :followed)
                        on conflict do nothing
                        """)
                .bind("follower", follower)
                .bind("followed", followed)
                .execute();
    }

    void unfollow(Handle h, long follower, long followed) {
        h.createUpdate("delete from follows where follower_id = :follower and followed_id = :followed")
                .bind("follower", follower)
                .bind("followed", followed)
                .execute();
    }
}

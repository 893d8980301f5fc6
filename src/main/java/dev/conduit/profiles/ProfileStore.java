package dev.conduit.profiles;

import dev.conduit.platform.db.Refusals;
import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.json.JsonText;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** All SQL of profiles and follows. */
final class ProfileStore {
    /** Either account may be deleted between the lookup and the insert. */
    private static final Refusals FOLLOW_REFUSALS = Refusals.of(Map.of(
            "follows_follower_id_fkey", Failure.Unauthorized::accountGone,
            "follows_followed_id_fkey", () -> new Failure.NotFound("profile")));

    /** What others see of an account, as JSON; {@link Profile} adds the viewer's {@code following}. */
    record Card(long id, JsonText json) {
        Profile as(boolean following) {
            return new Profile(json, following);
        }

        int weight() {
            return 64 + json.bytes();
        }
    }

    Optional<Long> idOf(Handle h, String username) {
        return h.createQuery("select id from users where lower(username) = lower(:username)")
                .bind("username", username)
                .mapTo(Long.class)
                .findOne();
    }

    Map<Long, Card> cards(Handle h, Collection<Long> ids) {
        return h.createQuery("select id, username, bio, image from users where id = any(:ids)")
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> new Card(rs.getLong("id"), JsonText.openObject("username", rs.getString("username"),
                        "bio", rs.getString("bio"), "image", rs.getString("image"))))
                .stream()
                .collect(Collectors.toMap(Card::id, Function.identity()));
    }

    /** The ids of the accounts {@code follower} follows. */
    Set<Long> followedBy(Handle h, long follower) {
        return Set.copyOf(h.createQuery("select followed_id from follows where follower_id = :follower")
                .bind("follower", follower)
                .mapTo(Long.class)
                .list());
    }

    /** Idempotent: following twice (or two racing requests) leaves one row. */
    /** False when {@code follower} followed {@code followed} already. */
    boolean follow(Handle h, long follower, long followed) {
        return FOLLOW_REFUSALS.on(() -> h.createUpdate("""
                        insert into follows (follower_id, followed_id) values (:follower, :followed)
                        on conflict do nothing
                        """)
                .bind("follower", follower)
                .bind("followed", followed)
                .execute()) == 1;
    }

    void unfollow(Handle h, long follower, long followed) {
        h.createUpdate("delete from follows where follower_id = :follower and followed_id = :followed")
                .bind("follower", follower)
                .bind("followed", followed)
                .execute();
    }
}

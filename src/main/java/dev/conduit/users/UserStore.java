package dev.conduit.users;

import dev.conduit.platform.db.Refusals;
import dev.conduit.platform.domain.Failure;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** All SQL of accounts. Username and email match case-insensitively, as their unique indexes do. */
final class UserStore {
    /** A racing request took the name between the check and the write: the same answer the check gives. */
    private static final Refusals TAKEN = Refusals.of(Map.of(
            "users_username_key", () -> Failure.Conflict.taken("username"),
            "users_email_key", () -> Failure.Conflict.taken("email")));
    /** An address is verified while it is the one last verified (V15). */
    private static final String COLUMNS = "id, username, email, password_hash, bio, image, token_version,"
            + " coalesce(lower(email_verified) = lower(email), false) as verified, notify_followers, notify_comments";
    private static final RowMapper<User> USER = (rs, ctx) -> new User(rs.getLong("id"), rs.getString("username"),
            rs.getString("email"), rs.getString("password_hash"), rs.getString("bio"), rs.getString("image"),
            rs.getInt("token_version"), rs.getBoolean("verified"),
            new Notices(rs.getBoolean("notify_followers"), rs.getBoolean("notify_comments")));

    /** Which of the two unique values already belong to another account. */
    record Taken(boolean username, boolean email) {
    }

    Optional<User> findById(Handle h, long id) {
        return h.createQuery("select " + COLUMNS + " from users where id = :id")
                .bind("id", id)
                .map(USER)
                .findOne();
    }

    /** Marks {@code email} verified for account {@code id}, if it is still the account's address. */
    boolean verify(Handle h, long id, String email) {
        return h.createUpdate("update users set email_verified = email where id = :id and lower(email) = lower(:email)")
                .bind("id", id)
                .bind("email", email)
                .execute() == 1;
    }

    /** The generation of tokens the account accepts; empty: no such account. */
    Optional<Integer> tokenVersion(Handle h, long id) {
        return h.createQuery("select token_version from users where id = :id")
                .bind("id", id)
                .mapTo(Integer.class)
                .findOne();
    }

    Optional<User> findByEmail(Handle h, String email) {
        return h.createQuery("select " + COLUMNS + " from users where lower(email) = lower(:email)")
                .bind("email", email)
                .map(USER)
                .findOne();
    }

    /** Checked before the slow password hash, so a duplicate costs one indexed query, not a hash. */
    Taken taken(Handle h, String username, String email, long exceptId) {
        return h.createQuery("""
                        select coalesce(bool_or(lower(username) = lower(:username)), false) as username_taken,
                               coalesce(bool_or(lower(email) = lower(:email)), false)       as email_taken
                        from users
                        where (lower(username) = lower(:username) or lower(email) = lower(:email))
                          and id <> :exceptId
                        """)
                .bind("username", username)
                .bind("email", email)
                .bind("exceptId", exceptId)
                .map((rs, ctx) -> new Taken(rs.getBoolean("username_taken"), rs.getBoolean("email_taken")))
                .one();
    }

    User insert(Handle h, String username, String email, String passwordHash) {
        return TAKEN.on(() -> h.createQuery("""
                        insert into users (username, email, password_hash)
                        values (:username, :email, :passwordHash)
                        returning\s""" + COLUMNS)
                .bind("username", username)
                .bind("email", email)
                .bind("passwordHash", passwordHash)
                .map(USER)
                .one());
    }

    /**
     * Applies the non-null changes; {@code passwordHash} replaces the password when not null, and moves the
     * account to the next generation of tokens. Empty: no such account.
     */
    Optional<User> update(Handle h, long id, UserChanges changes, String passwordHash) {
        return TAKEN.on(() -> h.createQuery("""
                        update users set
                            username      = coalesce(:username, username),
                            email         = coalesce(:email, email),
                            password_hash = coalesce(:passwordHash, password_hash),
                            bio           = case when :setBio then :bio else bio end,
                            image         = case when :setImage then :image else image end,
                            token_version = token_version + case when :newPassword then 1 else 0 end,
                            notify_followers = coalesce(:followers, notify_followers),
                            notify_comments  = coalesce(:comments, notify_comments),
                            updated_at    = now()
                        where id = :id
                        returning\s""" + COLUMNS)
                .bind("id", id)
                .bind("username", changes.username())
                .bind("email", changes.email())
                .bind("passwordHash", passwordHash)
                .bind("newPassword", passwordHash != null)
                .bind("setBio", changes.setBio())
                .bind("bio", changes.bio())
                .bind("setImage", changes.setImage())
                .bind("image", changes.image())
                .bind("followers", changes.notices() == null ? null : changes.notices().followers())
                .bind("comments", changes.notices() == null ? null : changes.notices().comments())
                .map(USER)
                .findOne());
    }
}

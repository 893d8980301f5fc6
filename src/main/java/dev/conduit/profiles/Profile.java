package dev.conduit.profiles;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A user as others see them; {@code following} is from the viewer's side (false for anonymous viewers). */
public record Profile(String username, String bio, String image, boolean following) {
    /**
     * What every query that shows a user to others (a profile, an article's or a comment's author) selects, from
     * {@code users} aliased {@code u}, as seen by the user bound to {@code :viewer} (null: anonymous). Read back
     * with {@link #from}.
     */
    public static final String COLUMNS = """
            u.username as profile_username, u.bio as profile_bio, u.image as profile_image,
            exists(select 1 from follows fo
                   where fo.follower_id = :viewer and fo.followed_id = u.id) as profile_following""";

    /** The profile in the {@link #COLUMNS} of the current row. */
    public static Profile from(ResultSet rs) throws SQLException {
        return new Profile(rs.getString("profile_username"), rs.getString("profile_bio"),
                rs.getString("profile_image"), rs.getBoolean("profile_following"));
    }

    Profile withFollowing(boolean following) {
        return new Profile(username, bio, image, following);
    }
}

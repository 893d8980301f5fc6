package dev.conduit.profiles;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A user as others see them; {@code following} is from the viewer's side (false for anonymous viewers). */
public record Profile(String username, String bio, String image, boolean following) {
    /**
     * Reads the columns {@code author_username, author_bio, author_image, author_following} that every query
     * rendering an author selects.
     */
    public static Profile fromAuthorColumns(ResultSet rs) throws SQLException {
        return new Profile(rs.getString("author_username"), rs.getString("author_bio"),
                rs.getString("author_image"), rs.getBoolean("author_following"));
    }
}

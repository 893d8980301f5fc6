package dev.conduit.users;

/**
 * A partial update of an account. Null means "leave as is", except for bio and image, which can be cleared:
 * {@code setBio}/{@code setImage} say whether they were sent at all; {@code notices}: the notices by email to turn
 * on or off (null: none).
 */
public record UserChanges(String username, String email, String password, boolean setBio, String bio,
                   boolean setImage, String image, Notices notices) {
    boolean isEmpty() {
        return username == null && email == null && password == null && !setBio && !setImage && notices == null;
    }
}

package dev.conduit.users;

/**
 * A partial update of an account. Null means "leave as is", except for bio and image, which can be cleared:
 * {@code setBio}/{@code setImage} say whether they were sent at all.
 */
public record UserChanges(String username, String email, String password, boolean setBio, String bio,
                   boolean setImage, String image) {
    boolean isEmpty() {
        return username == null && email == null && password == null && !setBio && !setImage;
    }
}

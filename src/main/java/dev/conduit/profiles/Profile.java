package dev.conduit.profiles;

/** A user as others see them; {@code following} is from the viewer's side (false for anonymous viewers). */
public record Profile(String username, String bio, String image, boolean following) {
    Profile withFollowing(boolean following) {
        return new Profile(username, bio, image, following);
    }
}

package dev.conduit.users;

/** The {@code user} object of the API: the account as its owner sees it, with a token to use. */
public record UserView(String email, String token, String username, String bio, String image) {
    static UserView of(User user, String token) {
        return new UserView(user.email(), token, user.username(), user.bio(), user.image());
    }
}

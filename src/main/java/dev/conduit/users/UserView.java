package dev.conduit.users;

/**
 * The {@code user} object of the API: the account as its owner sees it, with a token to use. Conduit adds whether
 * its address is verified and which notices by email it wants (see the README's "Email").
 */
public record UserView(String email, String token, String username, String bio, String image, boolean emailVerified,
                       Notices notifications) {
    static UserView of(User user, String token) {
        return new UserView(user.email(), token, user.username(), user.bio(), user.image(), user.verified(),
                user.notices());
    }
}

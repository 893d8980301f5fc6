package dev.conduit.users;

/**
 * A stored account. The password hash never leaves this package. {@code tokenVersion}: the generation of tokens
 * it accepts, moved on by each password change.
 */
record User(long id, String username, String email, String passwordHash, String bio, String image,
            int tokenVersion) {
}

package dev.conduit.users;

/**
 * A stored account. The password hash never leaves this package. {@code tokenVersion}: the generation of tokens
 * it accepts, moved on by each password change; {@code verified}: its address is the one last verified.
 */
record User(long id, String username, String email, String passwordHash, String bio, String image,
            int tokenVersion, boolean verified, Notices notices) {
}

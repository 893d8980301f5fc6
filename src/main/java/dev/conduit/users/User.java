package dev.conduit.users;

/** A stored account. The password hash never leaves this package. */
record User(long id, String username, String email, String passwordHash, String bio, String image) {
}

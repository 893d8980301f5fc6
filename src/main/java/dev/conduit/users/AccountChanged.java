package dev.conduit.users;

/** A change: the account's username, bio or image (what others see of it) may be different now. */
public record AccountChanged(long userId) {
}

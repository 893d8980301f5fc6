package dev.conduit.users;

/**
 * A change: the account's username, bio or image (what others see of it), or its password (and so the tokens it
 * accepts), may be different now.
 */
public record AccountChanged(long userId) {
}

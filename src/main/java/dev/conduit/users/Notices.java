package dev.conduit.users;

/**
 * Which notices by email an account wants (both, unless turned off): someone followed them, someone commented on
 * their article. In a change, null leaves a kind as it is.
 */
public record Notices(Boolean followers, Boolean comments) {
}

package dev.conduit.profiles;

/** A change: {@code follower} followed or unfollowed someone. */
public record Followed(long follower) {
}

package dev.conduit.platform.security;

/** Which tokens each account accepts now: a password change ends those issued before it. */
@FunctionalInterface
public interface TokenVersions {
    /** Whether the tokens of account {@code userId} issued for generation {@code version} still hold. */
    boolean accepts(long userId, int version);
}

package dev.conduit.platform.limits;

import java.time.Duration;

/**
 * Where the token buckets live: {@link LocalBuckets} keeps them in this process; a store shared by several nodes
 * (Bucket4j's PostgreSQL or Redis proxy managers) can stand in behind the same three calls.
 */
public interface Buckets {
    /** Takes a token from {@code key}'s bucket for {@code limit}: {@link Duration#ZERO}, or how long until one is back. */
    Duration take(RateLimit limit, String key);

    /** The same, without taking: {@link Duration#ZERO} while a token is there. */
    Duration peek(RateLimit limit, String key);

    /** Takes a token whether or not one is there (a failed login counts even when it was let through). */
    void spend(RateLimit limit, String key);
}

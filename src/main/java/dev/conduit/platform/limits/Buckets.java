package dev.conduit.platform.limits;

import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * Where the token buckets live: {@link LocalBuckets} keeps them in this process, {@link SharedBuckets} in a store
 * every node shares. Either way a bucket is Bucket4j's, and these three calls are all the limits ask of it.
 */
public interface Buckets {
    /** {@code key}'s bucket for {@code limit}. */
    Bucket bucket(RateLimit limit, String key);

    /** Takes a token from {@code key}'s bucket for {@code limit}: {@link Duration#ZERO}, or how long until one is back. */
    default Duration take(RateLimit limit, String key) {
        var probe = bucket(limit, key).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    /** The same, without taking: {@link Duration#ZERO} while a token is there. */
    default Duration peek(RateLimit limit, String key) {
        var probe = bucket(limit, key).estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    /** Takes a token whether or not one is there (a failed login counts even when it was let through). */
    default void spend(RateLimit limit, String key) {
        bucket(limit, key).tryConsumeAsMuchAsPossible(1);
    }
}

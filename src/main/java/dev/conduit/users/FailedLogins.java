package dev.conduit.users;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.limits.Buckets;
import dev.conduit.platform.limits.RateLimit;
import java.time.Duration;
import java.util.Locale;

/**
 * Failed logins per email, from any address: each failure takes a token; with none left, logins for that email
 * are refused (429) until the next token comes back. A guesser is slowed to the refill rate, while the owner waits
 * at most one refill interval, never a lockout.
 */
public final class FailedLogins {
    private final Buckets buckets;
    private final RateLimit limit;

    public FailedLogins(Buckets buckets, RateLimit limit) {
        this.buckets = buckets;
        this.limit = limit;
    }

    void check(String email) {
        Duration wait = buckets.peek(limit, key(email));
        if (!wait.isZero()) {
            throw new Failure.Throttled("email", wait);
        }
    }

    void failed(String email) {
        buckets.spend(limit, key(email));
    }

    private static String key(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}

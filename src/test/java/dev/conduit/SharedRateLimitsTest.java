package dev.conduit;

import java.util.Map;

/**
 * The same limits, on two servers keeping their buckets in their shared database, the requests alternating between
 * them as a round-robin balancer sends them: a client gets each limit once, not once per server.
 */
class SharedRateLimitsTest extends RateLimitsContract {
    SharedRateLimitsTest() {
        super(2, Map.of("RATE_LIMIT_STORE", "database"));
    }
}

package dev.conduit;

import java.util.Map;

/** The limits of one server that keeps its buckets in itself. */
class RateLimitsTest extends RateLimitsContract {
    RateLimitsTest() {
        super(1, Map.of("RATE_LIMIT_STORE", "local"));
    }
}

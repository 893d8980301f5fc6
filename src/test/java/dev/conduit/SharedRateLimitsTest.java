package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same limits, on two servers keeping their buckets in their shared database, the requests alternating between
 * them as a round-robin balancer sends them: a client gets each limit once, not once per server.
 */
class SharedRateLimitsTest extends RateLimitsContract {
    SharedRateLimitsTest() {
        super(2, Map.of("RATE_LIMIT_STORE", "database"));
    }

    @Test
    void theBucketsAreRowsOfTheDatabase() {
        String address = newAddress();
        register(address);
        assertThat(bucketRows(address)).as("its registration and write buckets").isEqualTo(2);
    }
}

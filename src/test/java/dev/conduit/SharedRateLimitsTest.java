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
        long rows = TestServer.database().withHandle(h -> h.createQuery(
                        "select count(*) from rate_limit_buckets where id like :suffix")
                .bind("suffix", "% " + address)
                .mapTo(Long.class)
                .one());
        assertThat(rows).as("its registration and write buckets").isEqualTo(2);
    }
}

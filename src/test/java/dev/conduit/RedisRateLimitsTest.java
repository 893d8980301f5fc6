package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The same limits, on two servers keeping their buckets in Redis (REDIS_URL alone chooses it). */
class RedisRateLimitsTest extends RateLimitsContract {
    private static final RedisServer REDIS = RedisServer.start();

    RedisRateLimitsTest() {
        super(2, Map.of("REDIS_URL", REDIS.url()));
    }

    @AfterAll
    void stopRedis() {
        REDIS.close();
    }

    @Test
    void theBucketsAreRedisKeysNotRowsOfTheDatabase() {
        String address = newAddress();
        register(address);
        assertThat(REDIS.keys("conduit:rate-limit:* " + address)).as("its registration and write buckets")
                .isEqualTo(2);
        assertThat(bucketRows(address)).isZero();
    }
}

package dev.conduit;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;

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
}

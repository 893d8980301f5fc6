package dev.conduit.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.RedisServer;
import dev.conduit.TestServer;
import dev.conduit.platform.domain.Failure;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The shared stores' own behaviour: the database's rows swept once full again, and limits that let requests through
 * while their store is away. (The limits themselves, through HTTP: SharedRateLimitsTest, RedisRateLimitsTest.)
 */
class SharedBucketsTest {
    @Test
    void aBucketFullAgainIsSweptFromTheDatabaseAndTheSweepStartsItself() throws Exception {
        String name = "sweep-" + System.nanoTime();
        var limit = new RateLimit(name, 2, Duration.ofSeconds(1));
        var buckets = new SharedBuckets(new DatabaseBucketStore(TestServer.database(), 3), "the database");
        assertThat(buckets.take(limit, "a")).isZero();
        assertThat(buckets.take(limit, "a")).isZero();
        assertThat(buckets.take(limit, "a")).as("two a second").isPositive();
        assertThat(buckets.take(limit, "b")).isZero();
        assertThat(rows(name)).isEqualTo(2);
        // both full again within a second; the third new row starts a sweep of those
        Thread.sleep(1100);
        assertThat(buckets.take(limit, "c")).isZero();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (rows(name) > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rows(name)).as("only c's").isEqualTo(1);
        assertThat(buckets.take(limit, "a")).as("a full bucket again").isZero();
        assertThat(buckets.failures()).isZero();
    }

    @Test
    void aLookAtABucketNobodyWroteWritesNothing() {
        String name = "peek-" + System.nanoTime();
        var limit = new RateLimit(name, 1, Duration.ofHours(1));
        var buckets = new SharedBuckets(new DatabaseBucketStore(TestServer.database(), 1000), "the database");
        assertThat(buckets.peek(limit, "a")).isZero();
        assertThat(rows(name)).as("no row for a full bucket").isZero();
        buckets.spend(limit, "a");
        assertThat(buckets.peek(limit, "a")).as("its one token spent").isPositive();
        assertThat(rows(name)).isEqualTo(1);
    }

    @Test
    void aBusyDatabaseIsNotAStoreGoneTheRequestIsRefusedAsOthersAre() {
        var busy = Jdbi.create(() -> {
            throw new Failure.Overloaded();
        });
        var buckets = new SharedBuckets(new DatabaseBucketStore(busy, 1000), "the database");
        var limit = new RateLimit("busy", 1, Duration.ofHours(1));
        assertThatThrownBy(() -> buckets.take(limit, "a")).isInstanceOf(Failure.Overloaded.class);
        assertThat(buckets.failures()).isZero();
    }

    @Test
    void withoutTheDatabaseTheLimitsLetRequestsThroughAndCountThem() {
        var dead = Jdbi.create("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
        var buckets = new SharedBuckets(new DatabaseBucketStore(dead, 1000), "the database");
        var limit = new RateLimit("unanswered", 1, Duration.ofHours(1));
        assertThat(buckets.take(limit, "a")).isZero();
        assertThat(buckets.take(limit, "a")).isZero();
        assertThat(buckets.peek(limit, "a")).isZero();
        buckets.spend(limit, "a");
        assertThat(buckets.failures()).isEqualTo(4);
    }

    @Test
    void withoutRedisTheLimitsLetRequestsThroughAtOnceAndCountAgainOnceItIsBack() throws Exception {
        var limit = new RateLimit("redis-" + System.nanoTime(), 1, Duration.ofHours(1));
        try (var redis = RedisServer.start();
             var store = RedisBucketStore.connect(redis.url(), Duration.ofMillis(500))) {
            var buckets = new SharedBuckets(store.buckets(), "Redis");
            assertThat(buckets.take(limit, "a")).isZero();
            assertThat(buckets.take(limit, "a")).as("one an hour").isPositive();

            redis.stop();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.connected()) {
                assertThat(System.nanoTime()).as("Lettuce notices the loss").isLessThan(deadline);
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            assertThat(buckets.take(limit, "a")).as("let through").isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once, not after the timeout")
                    .isLessThan(Duration.ofMillis(100));
            assertThat(buckets.failures()).isEqualTo(1);

            // a new, empty Redis (nothing kept on disk): the buckets start full once Lettuce has reconnected
            redis.restart();
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                long before = buckets.failures();
                buckets.take(limit, "b");
                if (buckets.failures() == before) {
                    break; // answered: b's one token is taken
                }
                assertThat(System.nanoTime()).as("Lettuce reconnects").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(buckets.take(limit, "b")).as("Redis counts again").isPositive();
        }
    }

    @Test
    void aRedisThatCannotBeReachedStopsTheStartNamingIt() {
        assertThatThrownBy(() -> RedisBucketStore.connect("redis://127.0.0.1:1", Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("REDIS_URL: cannot connect to 127.0.0.1:1");
    }

    private static long rows(String name) {
        return TestServer.database().withHandle(h -> h.createQuery(
                        "select count(*) from rate_limit_buckets where id like :prefix")
                .bind("prefix", name + " %")
                .mapTo(Long.class)
                .one());
    }
}

package dev.conduit.platform.limits;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;

/**
 * The buckets in Redis ({@code REDIS_URL}; Bucket4j's compare and swap, a Lua script, over Lettuce): keys
 * {@code conduit:rate-limit:...}, each expiring once its bucket is full again. Lettuce reconnects by itself after a
 * loss; meanwhile, and for any answer slower than {@code timeout}, calls fail at once (and the limits let requests
 * through, see {@link SharedBuckets}) rather than queue.
 */
public final class RedisBucketStore implements AutoCloseable {
    private static final String PREFIX = "conduit:rate-limit:";

    private final RedisClient client;
    private final ProxyManager<String> buckets;

    private RedisBucketStore(RedisClient client, StatefulRedisConnection<String, byte[]> connection,
                             Duration timeout) {
        this.client = client;
        buckets = Bucket4jLettuce.casBasedBuilder(connection)
                // a timed wait on each answer: Lettuce's own command timeouts schedule a timer task per command
                .requestTimeout(timeout)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(1)))
                .build()
                .withMapper(id -> PREFIX + id);
    }

    /** Connects to {@code url} ({@code redis://} or {@code rediss://}); fails when Redis cannot be reached now. */
    public static RedisBucketStore connect(String url, Duration timeout) {
        var uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        var client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        try {
            return new RedisBucketStore(client,
                    client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)), timeout);
        } catch (RedisException e) {
            client.shutdown();
            throw new IllegalStateException("REDIS_URL: cannot connect to " + uri.getHost() + ":" + uri.getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The buckets, keyed as {@link SharedBuckets} names them. */
    public ProxyManager<String> buckets() {
        return buckets;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}

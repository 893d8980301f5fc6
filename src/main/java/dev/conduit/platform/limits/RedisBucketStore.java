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
 * loss it noticed; meanwhile calls fail at once rather than queue, and a call unanswered within {@code timeout}
 * fails then (the limits let those requests through, and stop asking for a while: see {@link SharedBuckets}).
 */
public final class RedisBucketStore implements AutoCloseable {
    private static final String PREFIX = "conduit:rate-limit:";
    private static final int MAX_RETRIES = 20;

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final ProxyManager<String> buckets;

    private RedisBucketStore(RedisClient client, StatefulRedisConnection<String, byte[]> connection,
                             Duration timeout) {
        this.client = client;
        this.connection = connection;
        buckets = Bucket4jLettuce.casBasedBuilder(connection)
                // each call bounded as a whole (Lettuce bounds each command with the URI's timeout too), and lost
                // races on one bucket end in a failure, not a spin
                .requestTimeout(timeout)
                .maxRetries(MAX_RETRIES)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(1)))
                .build()
                .withMapper(id -> PREFIX + id);
    }

    /** Connects to {@code url} ({@code redis://} or {@code rediss://}); fails when Redis cannot be reached now. */
    public static RedisBucketStore connect(String url, Duration timeout) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("REDIS_URL cannot be used: " + e.getMessage(), e);
        }
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

    /** Whether Lettuce holds a connection now (for tests: a loss it has noticed). */
    boolean connected() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        client.shutdown();
    }
}

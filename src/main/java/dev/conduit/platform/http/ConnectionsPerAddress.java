package dev.conduit.platform.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/1.1 connections, at most {@code cap} at once from one client address, so that one address cannot take all
 * of the process's file handles and connection slots; trusted proxies (which carry every client's connections) are
 * not capped. A connection is counted once its first request arrives (Helidon picks the protocol then); one over
 * the cap gets 429 and is closed.
 * <p>
 * Being a second selector beside Helidon's own HTTP/1.1 one also makes Helidon read a new connection's first bytes
 * before taking it up (with a single selector it takes it up at once). A stop closes every connection waiting for a
 * request, as it does an idle keep-alive one; a connection accepted just before the port closed would be one too,
 * though its client has sent, or is about to send, its first request. Not yet taken up, it is left alone by the
 * stop and served within the grace period (HealthTest: a connection opened just before the port closes).
 */
public final class ConnectionsPerAddress implements ServerConnectionSelector {
    private static final byte[] REFUSAL = ("HTTP/1.1 429 Too Many Requests\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\n"
            + "Content-Length: 62\r\n\r\n"
            + "{\"errors\":{\"connections\":[\"too many open from this address\"]}}")
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerConnectionSelector http1 = Http1ConnectionSelector.builder()
            .config(Http1Config.create())
            .build();
    private final int cap;
    private final ClientAddresses addresses;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    public ConnectionsPerAddress(int cap, ClientAddresses addresses) {
        this.cap = cap;
        this.addresses = addresses;
    }

    /** Any bytes: Conduit speaks only HTTP/1.1, whose parser answers what is not (400, 414) better than a close. */
    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        InetAddress peer = ((InetSocketAddress) ctx.remotePeer().address()).getAddress();
        if (addresses.isTrusted(peer)) {
            return http1.connection(ctx);
        }
        if (open.merge(peer, 1, Integer::sum) > cap) {
            release(peer);
            return new Refused(ctx);
        }
        ServerConnection served = http1.connection(ctx);
        return new ServerConnection() {
            @Override
            public void handle(Limit limit) throws InterruptedException {
                try {
                    served.handle(limit);
                } finally {
                    release(peer);
                }
            }

            @Override
            public Duration idleTime() {
                return served.idleTime();
            }

            @Override
            public void close(boolean interrupt) {
                served.close(interrupt);
            }
        };
    }

    private void release(InetAddress peer) {
        open.computeIfPresent(peer, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Answers 429 and ends; Helidon then closes the socket. */
    private record Refused(ConnectionContext ctx) implements ServerConnection {
        @Override
        public void handle(Limit limit) {
            ctx.dataWriter().writeNow(BufferData.create(REFUSAL));
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
        }
    }
}

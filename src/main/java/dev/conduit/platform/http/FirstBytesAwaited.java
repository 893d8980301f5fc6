package dev.conduit.platform.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Set;

/**
 * A connection selector that never claims a connection: beside Helidon's HTTP/1.1 one, it makes Helidon read a new
 * connection's first bytes before taking the connection up (with a single selector Helidon takes it up at once).
 * A stop closes every connection that is waiting for a request, as an idle keep-alive one does; a connection
 * accepted just before the port closed would be one too, though its client has sent, or is about to send, its first
 * request, which would go unanswered. Still waiting for its first bytes, it is not yet taken up, so the stop leaves
 * it alone: it is served within the grace period (a client that never sends anything holds the stop that long).
 */
public final class FirstBytesAwaited implements ServerConnectionSelector {
    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        throw new IllegalStateException("never chosen: it supports no connection");
    }
}

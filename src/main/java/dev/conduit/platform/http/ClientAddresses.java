package dev.conduit.platform.http;

import dev.conduit.platform.limits.AddressRange;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Who sent a request, for per-client limits: the connection's peer, unless that peer is one of the configured
 * proxies ({@code TRUSTED_PROXIES}); then the last address of {@code X-Forwarded-For} that is not a trusted proxy
 * (the one the first trusted proxy saw; the ones before it are the client's word, which anyone can forge).
 */
public final class ClientAddresses {
    private final List<AddressRange> trusted;

    public ClientAddresses(List<AddressRange> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public InetAddress of(ServerRequest req) {
        InetAddress peer = ((InetSocketAddress) req.remotePeer().address()).getAddress();
        if (!isTrusted(peer)) {
            return peer;
        }
        var forwarded = req.headers().values(HeaderNames.X_FORWARDED_FOR);
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String[] hops = forwarded.get(i).split(",");
            for (int j = hops.length - 1; j >= 0; j--) {
                InetAddress hop = AddressRange.literal(hops[j].strip()).orElse(null);
                if (hop == null) {
                    return peer; // garbage where an address should be: the proxy's own address is all we know
                }
                if (!isTrusted(hop)) {
                    return hop;
                }
                peer = hop;
            }
        }
        return peer;
    }

    /**
     * Whether the browser reached us over TLS: this connection is, or a trusted proxy that ended TLS says so
     * ({@code X-Forwarded-Proto}).
     */
    public boolean overTls(ServerRequest req) {
        if (req.isSecure()) {
            return true;
        }
        InetAddress peer = ((InetSocketAddress) req.remotePeer().address()).getAddress();
        return isTrusted(peer) && req.headers().first(HeaderNames.X_FORWARDED_PROTO)
                .map(proto -> proto.strip().equalsIgnoreCase("https")).orElse(false);
    }

    public boolean isTrusted(InetAddress address) {
        for (AddressRange range : trusted) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}

package dev.conduit.webhooks;

import dev.conduit.platform.limits.AddressRange;
import java.net.InetAddress;
import java.util.List;

/**
 * Where deliveries may go (the SSRF guard): never to this machine or the networks behind it, unless the operator
 * allows a range ({@code WEBHOOK_ALLOWED_NETWORKS}). Judged on each address a host name resolves to, which is the
 * address then connected to: a name that resolves to a private address is refused like the address itself.
 */
public final class Destinations {
    /** Shared address space (RFC 6598) and IPv4 benchmarking/documentation ranges: nobody's public server. */
    private static final List<AddressRange> NOT_PUBLIC = List.of(
            AddressRange.parse("100.64.0.0/10"), AddressRange.parse("198.18.0.0/15"),
            AddressRange.parse("0.0.0.0/8"), AddressRange.parse("240.0.0.0/4"),
            AddressRange.parse("fc00::/7"), AddressRange.parse("64:ff9b::/96"));

    private final List<AddressRange> allowed;

    public Destinations(List<AddressRange> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Whether a delivery may connect to {@code address}. */
    public boolean allows(InetAddress address) {
        if (allowed.stream().anyMatch(range -> range.contains(address))) {
            return true;
        }
        // (an IPv4 address written as IPv6, ::ffff:10.0.0.1, is an Inet4Address already: judged as such)
        return !(address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()
                || NOT_PUBLIC.stream().anyMatch(range -> range.contains(address)));
    }
}

package dev.conduit.platform.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An address range: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address. */
public record AddressRange(byte[] network, int prefix) {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    public static AddressRange parse(String text) {
        String[] parts = text.strip().split("/", 2);
        byte[] address = literal(parts[0])
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + parts[0])).getAddress();
        int prefix = parts.length == 1 ? address.length * 8 : Integer.parseInt(parts[1]);
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("prefix out of range: " + text);
        }
        return new AddressRange(address, prefix);
    }

    /** {@code text} as an IPv4 or IPv6 address written out; never a DNS lookup (a name is not an address). */
    public static Optional<InetAddress> literal(String text) {
        if (!LITERAL.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int mask = (0xFF00 >> (prefix % 8)) & 0xFF;
        return whole == bytes.length || (bytes[whole] & mask) == (network[whole] & mask);
    }
}

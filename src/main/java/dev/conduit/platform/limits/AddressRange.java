package dev.conduit.platform.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address. */
public record AddressRange(byte[] network, int prefix) {
    public static AddressRange parse(String text) {
        String[] parts = text.strip().split("/", 2);
        if (!parts[0].matches("[0-9a-fA-F:.]+")) { // literal addresses only: never a DNS lookup
            throw new IllegalArgumentException("not an IP address: " + parts[0]);
        }
        byte[] address;
        try {
            address = InetAddress.getByName(parts[0]).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + parts[0]);
        }
        int prefix = parts.length == 1 ? address.length * 8 : Integer.parseInt(parts[1]);
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("prefix out of range: " + text);
        }
        return new AddressRange(address, prefix);
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

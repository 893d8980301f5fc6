package dev.conduit.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A delivery's signature, as Stripe signs theirs: header {@value #HEADER} holds {@code t=<unix seconds>} and one
 * {@code v1=<hex HMAC-SHA256 of "t.body">} per secret in force (two while a rotated-out secret is still honoured),
 * so a receiver checks the body is ours and unaltered, and refuses a replay older than its tolerance.
 */
public final class Signature {
    public static final String HEADER = "Conduit-Signature";
    private static final String HMAC = "HmacSHA256";

    private Signature() {
    }

    /** The header's value for {@code body} sent at {@code at}, signed with each of {@code secrets}. */
    public static String header(byte[] body, Instant at, List<String> secrets) {
        long t = at.getEpochSecond();
        var value = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            value.append(",v1=").append(HexFormat.of().formatHex(mac(secret, t, body)));
        }
        return value.toString();
    }

    /**
     * What a receiver does (and the tests): true when one {@code v1} of {@code header} is {@code body}'s under
     * {@code secret} and its time is within {@code tolerance} of {@code now}.
     */
    public static boolean verify(String header, byte[] body, String secret, Instant now, Duration tolerance) {
        Long t = null;
        var signatures = new ArrayList<String>();
        for (String part : header.split(",")) {
            String[] pair = part.strip().split("=", 2);
            if (pair.length != 2) {
                return false;
            }
            switch (pair[0]) {
                case "t" -> {
                    try {
                        t = Long.parseLong(pair[1]);
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
                case "v1" -> signatures.add(pair[1]);
                default -> { } // schemes to come are ignored, as receivers of Stripe's header do
            }
        }
        if (t == null || Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(mac(secret, t, body)).getBytes(StandardCharsets.US_ASCII);
        return signatures.stream().anyMatch(signature ->
                MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] mac(String secret, long t, byte[] body) {
        try {
            var mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

package dev.conduit.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens that every form post must carry: an HMAC of what the browser's cookie binds it to (its session, or an
 * anonymous visitor's random value), so another site cannot forge a post, and no node keeps any state for them.
 * The key is derived from the JWT secret: every node that shares it accepts every node's forms.
 */
final class Csrf {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    Csrf(byte[] jwtSecret) {
        this.key = new SecretKeySpec(mac(new SecretKeySpec(jwtSecret, ALGORITHM), "conduit web forms"), ALGORITHM);
    }

    /** The token for forms of the browser bound to {@code binding}. */
    String token(String binding) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, binding));
    }

    /** Whether a form's {@code given} token is the {@code expected} one (in constant time). */
    static boolean matches(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] mac(SecretKeySpec key, String text) {
        try {
            var mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JDK", e);
        }
    }
}

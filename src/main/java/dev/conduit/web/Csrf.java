package dev.conduit.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens that every form post must carry: an HMAC of what the browser's cookie binds it to (its session, or an
 * anonymous visitor's random value), so another site cannot forge a post, and no node keeps any state for them.
 * The key is derived from the JWT secret: every node that shares it accepts every node's forms; while a secret is
 * rotated out ({@code JWT_PREVIOUS_SECRET}), forms made with its key are still accepted.
 */
final class Csrf {
    private static final String ALGORITHM = "HmacSHA256";
    /** The current secret's key first, then the previous one's, if any. */
    private final List<SecretKeySpec> keys;

    /** {@code jwtSecrets}: the current secret, then the previous one if it is being rotated out. */
    Csrf(List<byte[]> jwtSecrets) {
        this.keys = jwtSecrets.stream().map(secret -> new SecretKeySpec(
                mac(new SecretKeySpec(secret, ALGORITHM), "conduit web forms"), ALGORITHM)).toList();
    }

    /** The token for forms of the browser bound to {@code binding}. */
    String token(String binding) {
        return token(keys.getFirst(), binding);
    }

    /** Whether {@code given} is a token of {@code binding}'s, made with any key still accepted (in constant time). */
    boolean accepts(String binding, String given) {
        if (binding == null || given == null) {
            return false;
        }
        boolean accepted = false;
        for (var key : keys) {
            accepted |= MessageDigest.isEqual(token(key, binding).getBytes(StandardCharsets.UTF_8),
                    given.getBytes(StandardCharsets.UTF_8));
        }
        return accepted;
    }

    private static String token(SecretKeySpec key, String binding) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, binding));
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

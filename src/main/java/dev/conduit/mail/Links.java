package dev.conduit.mail;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed links of our emails: verify an address, stop a kind of notice. Each is a JWT under a key derived from
 * the JWT secret for this use alone, so no link is ever taken for a sign-in token, nor one for a link; links made
 * with a secret being rotated out ({@code JWT_PREVIOUS_SECRET}) still work meanwhile.
 */
final class Links {
    static final Duration VERIFY_FOR = Duration.ofHours(48);
    /** An unsubscribe link works as long as mail clients keep showing its button: a year. */
    static final Duration UNSUBSCRIBE_FOR = Duration.ofDays(365);
    private static final String PURPOSE = "purpose";
    private static final String VERIFY = "verify";
    private static final String UNSUBSCRIBE = "unsubscribe";

    /** A verification link's content: the address it verifies for the account. */
    record Verification(long userId, String email) {
    }

    /** An unsubscribe link's: the account and the kind of notice ({@link Mail#FOLLOWERS}, {@link Mail#COMMENTS}). */
    record Unsubscribe(long userId, String kind) {
    }

    private final List<byte[]> keys;
    private final Clock clock;

    /** {@code jwtSecrets}: the current secret, then the previous one if it is being rotated out. */
    Links(List<byte[]> jwtSecrets, Clock clock) {
        this.keys = jwtSecrets.stream().map(Links::derive).toList();
        this.clock = clock;
    }

    String verification(long userId, String email) {
        return sign(new JWTClaimsSet.Builder().claim(PURPOSE, VERIFY).subject(Long.toString(userId))
                .claim("email", email), VERIFY_FOR);
    }

    String unsubscribe(long userId, String kind) {
        return sign(new JWTClaimsSet.Builder().claim(PURPOSE, UNSUBSCRIBE).subject(Long.toString(userId))
                .claim("kind", kind), UNSUBSCRIBE_FOR);
    }

    Optional<Verification> verification(String token) {
        return claims(token, VERIFY).flatMap(c -> text(c, "email")
                .map(email -> new Verification(Long.parseLong(c.getSubject()), email)));
    }

    Optional<Unsubscribe> unsubscribe(String token) {
        return claims(token, UNSUBSCRIBE).flatMap(c -> text(c, "kind")
                .filter(Mail.KINDS::contains)
                .map(kind -> new Unsubscribe(Long.parseLong(c.getSubject()), kind)));
    }

    private String sign(JWTClaimsSet.Builder claims, Duration validFor) {
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                claims.expirationTime(Date.from(clock.instant().plus(validFor))).build());
        try {
            jwt.sign(new MACSigner(keys.getFirst()));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a link failed", e);
        }
        return jwt.serialize();
    }

    /** The claims of a token of {@code purpose} signed with a key still accepted, and not expired. */
    private Optional<JWTClaimsSet> claims(String token, String purpose) {
        if (token == null || token.isEmpty() || token.length() > 2000) {
            return Optional.empty();
        }
        try {
            var jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
                return Optional.empty();
            }
            boolean signed = false;
            for (byte[] key : keys) {
                signed |= jwt.verify(new MACVerifier(key));
            }
            var claims = jwt.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            if (!signed || expires == null || !clock.instant().isBefore(expires.toInstant())
                    || !purpose.equals(claims.getClaim(PURPOSE)) || claims.getSubject() == null
                    || !claims.getSubject().matches("\\d{1,18}")) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String value ? Optional.of(value) : Optional.empty();
    }

    private static byte[] derive(byte[] secret) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal("conduit email links".getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JDK", e);
        }
    }
}

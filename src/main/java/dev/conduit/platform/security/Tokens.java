package dev.conduit.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.conduit.platform.cache.Cached;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * HS256 JWTs whose subject is the user id, with the generation of the account's tokens they were issued for
 * (claim {@value #VERSION}; see {@link TokenVersions}). Verification accepts only HS256 with a valid signature, an
 * issuer of "conduit" and an expiry in the future; anything else (alg "none", other algorithms, tampering) fails.
 */
public final class Tokens {
    private static final String ISSUER = "conduit";
    /** Absent from tokens issued before generations existed: those are of generation 0. */
    private static final String VERSION = "ver";

    /** Why a presented token was refused; the message is safe to show the client. */
    public static final class InvalidToken extends Exception {
        public InvalidToken(String message) {
            super(message, null, false, false);
        }
    }

    /** Whom a valid token was issued to, and for which generation of the account's tokens. */
    public record Subject(long userId, int version) {
    }

    /** A token already verified, and until when it stays valid (its expiry plus the allowed clock skew). */
    private record Verified(Subject subject, Instant validUntil) {
    }

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final MACSigner signer;
    /**
     * Tokens verified recently: checking a signature and parsing the claims is a sixth of an authenticated write's
     * CPU, and a client sends the same token with every request. A token's claims never change, so a hit is as
     * good as a verification, until the token expires.
     */
    private final Cache<String, Verified> verified = Cached.builder().maximumSize(10_000).build();
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Duration ttl;
    private final Clock clock;

    public Tokens(byte[] secret, Duration ttl, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the JWT secret must be at least 256 bits (32 bytes)");
        }
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
        this.ttl = ttl;
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
        var claimsVerifier = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "exp", "iat"));
        claimsVerifier.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claimsVerifier);
    }

    public String issue(long userId, int version) {
        Instant now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(Long.toString(userId))
                .claim(VERSION, version)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a JWT failed", e);
        }
        return jwt.serialize();
    }

    /** Whom the token was issued to. Expiry is judged by the system clock, as the JWT library does. */
    public Subject verify(String token) throws InvalidToken {
        Verified known = verified.getIfPresent(token);
        if (known != null && Instant.now().isBefore(known.validUntil())) {
            return known.subject();
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            Integer version = claims.getIntegerClaim(VERSION);
            var subject = new Subject(Long.parseLong(claims.getSubject()), version == null ? 0 : version);
            verified.put(token, new Verified(subject, claims.getExpirationTime().toInstant().plus(CLOCK_SKEW)));
            return subject;
        } catch (ExpiredJWTException e) {
            throw new InvalidToken("has expired");
        } catch (ParseException | BadJOSEException | JOSEException | NumberFormatException e) {
            throw new InvalidToken("is invalid");
        }
    }
}

package dev.conduit.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
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
import java.util.Optional;
import java.util.Set;

/**
 * HS256 JWTs whose subject is the user id, with the generation of the account's tokens they were issued for
 * (claim {@value #VERSION}; see {@link TokenVersions}). Verification accepts only HS256 with a valid signature, an
 * issuer of "conduit" and an expiry in the future; anything else (alg "none", other algorithms, tampering) fails.
 * Tokens are signed with the current secret; those signed with the previous one (a secret being rotated out) are
 * accepted until its grace period ends, so a rotation logs nobody out.
 */
public final class Tokens {
    private static final String ISSUER = "conduit";
    /** Absent from tokens issued before generations existed: those are of generation 0. */
    private static final String VERSION = "ver";
    /** A browser session's id (OpenID's claim name): only the web pages' cookie carries one. */
    private static final String SESSION = "sid";

    /** Why a presented token was refused; the message is safe to show the client. */
    public static final class InvalidToken extends Exception {
        public InvalidToken(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Whom a valid token was issued to, for which generation of the account's tokens, and for which browser session
     * (null: an API client's token).
     */
    public record Subject(long userId, int version, String session) {
        public Subject(long userId, int version) {
            this(userId, version, null);
        }
    }

    /** The secret tokens were signed with before the current one, and until when they are accepted. */
    public record PreviousSecret(byte[] secret, Instant acceptedUntil) {
    }

    /**
     * A token already verified, and until when it stays valid (its expiry plus the allowed clock skew, or the end
     * of the previous secret's grace if that signed it).
     */
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
    /** Null when no previous secret is configured. */
    private final DefaultJWTProcessor<SecurityContext> previousProcessor;
    private final Instant previousUntil;
    private final Duration ttl;
    private final Clock clock;

    public Tokens(byte[] secret, Duration ttl, Clock clock) {
        this(secret, Optional.empty(), ttl, clock);
    }

    public Tokens(byte[] secret, Optional<PreviousSecret> previous, Duration ttl, Clock clock) {
        try {
            this.signer = new MACSigner(checked(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
        this.ttl = ttl;
        this.clock = clock;
        this.processor = processor(secret, clock);
        this.previousProcessor = previous.map(p -> processor(checked(p.secret()), clock)).orElse(null);
        this.previousUntil = previous.map(PreviousSecret::acceptedUntil).orElse(Instant.MIN);
    }

    /** How long a token is valid from its issue. */
    public Duration ttl() {
        return ttl;
    }

    public String issue(long userId, int version) {
        return issue(userId, version, null);
    }

    /** A token for browser session {@code session} (null: none), the web pages' cookie. */
    public String issue(long userId, int version, String session) {
        Instant now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(Long.toString(userId))
                .claim(VERSION, version)
                .claim(SESSION, session)
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

    /** Whom the token was issued to. */
    public Subject verify(String token) throws InvalidToken {
        Instant now = clock.instant();
        Verified known = verified.getIfPresent(token);
        if (known != null && now.isBefore(known.validUntil())) {
            return known.subject();
        }
        try {
            JWTClaimsSet claims;
            Instant acceptedUntil;
            try {
                claims = processor.process(token, null);
                acceptedUntil = Instant.MAX;
            } catch (BadJWSException signedOtherwise) {
                if (previousProcessor == null || !now.isBefore(previousUntil)) {
                    throw signedOtherwise;
                }
                claims = previousProcessor.process(token, null);
                acceptedUntil = previousUntil;
            }
            Integer version = claims.getIntegerClaim(VERSION);
            var subject = new Subject(Long.parseLong(claims.getSubject()), version == null ? 0 : version,
                    claims.getStringClaim(SESSION));
            Instant expires = claims.getExpirationTime().toInstant().plus(CLOCK_SKEW);
            verified.put(token, new Verified(subject, expires.isBefore(acceptedUntil) ? expires : acceptedUntil));
            return subject;
        } catch (ExpiredJWTException e) {
            throw new InvalidToken("has expired");
        } catch (ParseException | BadJOSEException | JOSEException | NumberFormatException e) {
            throw new InvalidToken("is invalid");
        }
    }

    private static byte[] checked(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the JWT secret must be at least 256 bits (32 bytes)");
        }
        return secret;
    }

    /** Verifies tokens signed with {@code secret}; expiry judged by {@code clock}. */
    private static DefaultJWTProcessor<SecurityContext> processor(byte[] secret, Clock clock) {
        var processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
        var claimsVerifier = new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "exp", "iat")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claimsVerifier.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claimsVerifier);
        return processor;
    }
}

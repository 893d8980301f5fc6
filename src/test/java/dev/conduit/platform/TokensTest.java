package dev.conduit.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.conduit.Api;
import dev.conduit.Config;
import dev.conduit.Main;
import dev.conduit.TestServer;
import dev.conduit.platform.security.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every way a token can be wrong ends in 401, on required and optional-auth endpoints alike; a rotated secret's
 * tokens are accepted for its grace period only.
 */
class TokensTest {
    private static final byte[] SECRET = TestServer.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
    private static final String NEW_SECRET = "the-secret-that-replaces-the-test-secret-0123456789";
    private static final byte[] UNKNOWN = "a-secret-no-conduit-of-this-test-knows-0123456789".getBytes(
            StandardCharsets.UTF_8);
    private final Api api = TestServer.api();

    @Test
    void expiredTokenIsRefused() {
        var user = api.register("expired");
        long id = userId(user.token());
        var yesterday = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
        String expired = new Tokens(SECRET, Duration.ofHours(1), yesterday).issue(id, 0);

        assertRefused(expired, "has expired");
    }

    @Test
    void aTokenVerifiedBeforeIsRefusedOnceItExpires() throws Exception {
        // expired 29 s ago: still inside the 30 s of allowed clock skew for about a second
        var issuedEarlier = Clock.fixed(Instant.now().minus(Duration.ofHours(1)).minusSeconds(29), ZoneOffset.UTC);
        var tokens = new Tokens(SECRET, Duration.ofHours(1), Clock.systemUTC());
        String token = new Tokens(SECRET, Duration.ofHours(1), issuedEarlier).issue(7, 0);

        assertThat(tokens.verify(token)).isEqualTo(new Tokens.Subject(7, 0));
        Thread.sleep(1_500);

        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(Tokens.InvalidToken.class).hasMessage("has expired");
    }

    @Test
    void tamperedTokenIsRefused() {
        var user = api.register("tamper");
        String[] parts = user.token().split("\\.");
        String otherSubject = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replaceFirst("\"sub\":\"\\d+\"", "\"sub\":\"1\"").getBytes(StandardCharsets.UTF_8));

        assertRefused(parts[0] + "." + otherSubject + "." + parts[2], "is invalid");
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        var user = api.register("none");
        String header = encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String claims = encode("{\"iss\":\"conduit\",\"sub\":\"" + userId(user.token()) + "\",\"iat\":"
                + Instant.now().getEpochSecond() + ",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}");

        assertRefused(header + "." + claims + ".", "is invalid");
    }

    @Test
    void otherAlgorithmsAndOtherSecretsAreRefused() throws Exception {
        var user = api.register("alg");
        long id = userId(user.token());

        assertRefused(sign(JWSAlgorithm.HS512, SECRET, id), "is invalid");
        assertRefused(sign(JWSAlgorithm.HS256, "another-secret-of-enough-length-for-hs256-signing!!".getBytes(
                StandardCharsets.UTF_8), id), "is invalid");
    }

    @Test
    void garbageAndWrongSchemesAreRefused() {
        assertRefused("not-a-jwt", "is invalid");
        var cases = Map.of(
                "Basic dXNlcjpwYXNz", "must use the Token or Bearer scheme",
                "Token", "is missing",
                "Bearer   ", "is missing");
        cases.forEach((header, message) -> api.raw("GET", "/user", null, Map.of("Authorization", header))
                .assertError(401, "token", message));
    }

    @Test
    void validTokenForADeletedAccountIs401Everywhere() {
        String orphan = new Tokens(SECRET, Duration.ofHours(1), Clock.systemUTC()).issue(Long.MAX_VALUE, 0);
        var author = api.register("orphanTarget");
        String slug = api.createArticle(author, Api.unique("Target"), List.of());

        for (var res : List.of(
                api.get("/user", orphan),
                api.put("/user", Api.wrap("user", "bio", "b"), orphan),
                api.post("/articles", Api.wrap("article", "title", "t", "description", "d", "body", "b"), orphan),
                api.post("/profiles/" + author.username() + "/follow", null, orphan),
                api.post("/articles/" + slug + "/favorite", null, orphan),
                api.post("/articles/" + slug + "/comments", Api.wrap("comment", "body", "x"), orphan))) {
            res.assertError(401, "token", "belongs to an account that no longer exists");
        }
        assertThat(api.get("/articles/" + slug).at("/article/favoritesCount").asInt()).isZero();
        assertThat(api.get("/articles/" + slug + "/comments").at("/comments").size()).isZero();
    }

    @Test
    void tokensOfThePreviousSecretAreAcceptedUntilItsGraceEnds() throws Exception {
        var clock = new HandClock(Instant.now());
        var rotated = new Tokens(NEW_SECRET.getBytes(StandardCharsets.UTF_8),
                Optional.of(new Tokens.PreviousSecret(SECRET, clock.instant().plus(Duration.ofMinutes(10)))),
                Duration.ofHours(1), clock);
        var before = new Tokens(SECRET, Duration.ofHours(1), clock);
        String seenInGrace = before.issue(7, 2);
        String unseenInGrace = before.issue(8, 0);
        String ownToken = rotated.issue(9, 0);

        assertThat(rotated.verify(seenInGrace)).isEqualTo(new Tokens.Subject(7, 2));
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(rotated.verify(seenInGrace)).isEqualTo(new Tokens.Subject(7, 2));
        clock.advance(Duration.ofMillis(1));

        // remembered as verified or not, a previous secret's token ends with the grace, well before its expiry
        for (String token : List.of(seenInGrace, unseenInGrace)) {
            assertThatThrownBy(() -> rotated.verify(token)).isInstanceOf(Tokens.InvalidToken.class)
                    .hasMessage("is invalid");
        }
        assertThat(rotated.verify(ownToken)).isEqualTo(new Tokens.Subject(9, 0));
    }

    @Test
    void duringTheGraceNewTokensAreSignedWithTheNewSecretAndOtherSecretsAndExpiryStillCount() {
        var clock = new HandClock(Instant.now());
        var rotated = new Tokens(NEW_SECRET.getBytes(StandardCharsets.UTF_8),
                Optional.of(new Tokens.PreviousSecret(SECRET, clock.instant().plus(Duration.ofDays(1)))),
                Duration.ofHours(1), clock);
        var before = new Tokens(SECRET, Duration.ofHours(1), clock);
        String expired = new Tokens(SECRET, Duration.ofHours(1),
                Clock.offset(clock, Duration.ofHours(-2))).issue(7, 0);

        assertThatThrownBy(() -> before.verify(rotated.issue(7, 0))).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessage("is invalid");
        assertThatThrownBy(() -> rotated.verify(new Tokens(UNKNOWN, Duration.ofHours(1), clock).issue(7, 0)))
                .isInstanceOf(Tokens.InvalidToken.class).hasMessage("is invalid");
        assertThatThrownBy(() -> rotated.verify(expired)).isInstanceOf(Tokens.InvalidToken.class)
                .hasMessage("has expired");
    }

    /** A Conduit rotating the shared server's secret out, on its database: nobody has to log in again. */
    @Test
    void aServerRotatingItsSecretAcceptsTheOldOnesTokensAndIssuesItsOwn() throws Exception {
        var user = api.register("rotated");
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.environment(dataDir));
        env.put("JWT_SECRET", NEW_SECRET);
        env.put("JWT_PREVIOUS_SECRET", TestServer.JWT_SECRET);
        Main rotating = Main.start(Config.from(env), sql -> { });
        try {
            var rotatedApi = new Api("http://127.0.0.1:" + rotating.port() + "/api");

            assertThat(rotatedApi.get("/user", user.token()).text("/user/username")).isEqualTo(user.username());
            String issued = rotatedApi.post("/users/login", Api.wrap("user", "email", user.email(),
                    "password", user.password()), null).text("/user/token");
            assertThat(rotatedApi.get("/user", issued).status()).isEqualTo(200);
            api.get("/user", issued).assertError(401, "token", "is invalid");
            rotatedApi.get("/user", sign(JWSAlgorithm.HS256, UNKNOWN, userId(user.token())))
                    .assertError(401, "token", "is invalid");
        } finally {
            rotating.stop();
            TestServer.deleteTree(dataDir);
        }
    }

    private void assertRefused(String token, String message) {
        for (String path : List.of("/user", "/articles", "/articles/feed", "/profiles/anyone")) {
            api.get(path, token).assertError(401, "token", message);
        }
    }

    private static String sign(JWSAlgorithm algorithm, byte[] secret, long id) throws Exception {
        var claims = new JWTClaimsSet.Builder().issuer("conduit").subject(Long.toString(id))
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
        var jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static long userId(String token) {
        try {
            return Long.parseLong(SignedJWT.parse(token).getJWTClaimsSet().getSubject());
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private volatile Instant now;

        HandClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}

package dev.conduit.users;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsersTest {
    private static final String USERNAME_RULE =
            "may contain only letters, digits, '_', '-' and '.', and needs a letter or digit";
    private static final Map<String, List<String>> ALL_BLANK = Map.of(
            "username", List.of("can't be blank"), "email", List.of("can't be blank"),
            "password", List.of("can't be blank"));
    private final Api api = TestServer.api();

    @Test
    void registerReturnsTheUserWithATokenAndNullBioAndImage() {
        String name = Api.unique("reg");
        var res = api.post("/users", wrap("user", "username", name, "email", name + "@example.com",
                "password", "password123"), null);

        assertThat(res.status()).isEqualTo(201);
        assertThat(res.text("/user/username")).isEqualTo(name);
        assertThat(res.text("/user/email")).isEqualTo(name + "@example.com");
        assertThat(res.at("/user/bio").isNull()).isTrue();
        assertThat(res.at("/user/image").isNull()).isTrue();
        assertThat(res.text("/user/token")).isNotBlank();
        assertThat(res.body()).doesNotContain("password");
    }

    @Test
    void registerRejectsBlankFieldsAllAtOnce() {
        var res = api.post("/users", wrap("user", "username", " ", "email", "", "password", ""), null);

        res.assertErrors(422, ALL_BLANK);
    }

    @Test
    void registerRejectsMissingFields() {
        var res = api.post("/users", wrap("user"), null);

        res.assertErrors(422, ALL_BLANK);
    }

    @Test
    void registerValidatesFormatsAndLengths() {
        var res = api.post("/users", wrap("user", "username", "has space", "email", "not-an-email",
                "password", "short"), null);
        res.assertErrors(422, Map.of(
                "username", List.of(USERNAME_RULE),
                "email", List.of("is invalid"),
                "password", List.of("is too short (minimum is 8 characters)")));

        for (String unreachable : new String[] {".", "..", "-_"}) {
            api.post("/users", wrap("user", "username", unreachable, "email", Api.unique("dots") + "@x.io",
                    "password", "password123"), null).assertError(422, "username", USERNAME_RULE);
        }

        var tooLong = api.post("/users", wrap("user", "username", "u".repeat(UserRules.MAX_USERNAME + 1),
                "email", "x@example.com", "password", "password123"), null);
        tooLong.assertError(422, "username", "is too long (maximum is 40 characters)");
    }

    @Test
    void duplicateUsernameOrEmailIsAConflictWhateverTheCase() {
        var user = api.register("dup");

        var sameName = api.post("/users", wrap("user", "username", user.username().toUpperCase(),
                "email", Api.unique("other") + "@example.com", "password", "password123"), null);
        sameName.assertError(409, "username", "has already been taken");

        var sameEmail = api.post("/users", wrap("user", "username", Api.unique("other"),
                "email", user.email().toUpperCase(), "password", "password123"), null);
        sameEmail.assertError(409, "email", "has already been taken");
    }

    @Test
    void loginWithTheRightPasswordReturnsAToken() {
        var user = api.register("login");

        var res = api.post("/users/login", wrap("user", "email", user.email(), "password", user.password()), null);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text("/user/username")).isEqualTo(user.username());
        assertThat(api.get("/user", res.text("/user/token")).status()).isEqualTo(200);
    }

    @Test
    void loginFailuresSayNothingAboutWhichPartWasWrong() {
        var user = api.register("loginfail");

        var wrongPassword = api.post("/users/login", wrap("user", "email", user.email(), "password", "wrong-pass"),
                null);
        var unknownEmail = api.post("/users/login", wrap("user", "email", "nobody-" + user.email(),
                "password", user.password()), null);

        wrongPassword.assertError(401, "credentials", "invalid");
        unknownEmail.assertError(401, "credentials", "invalid");
    }

    /**
     * No account probing by timing, proven by the work done rather than timed: an unknown email runs the same SQL
     * statements and the same number of Argon2id computations as a wrong password (whose parameters are the same:
     * PasswordHasherTest), and gets the same answer.
     */
    @Test
    void anUnknownEmailCostsWhatAWrongPasswordCosts() throws Exception {
        var user = api.register("probed");
        var wrongPassword = wrap("user", "email", user.email(), "password", "wrong-pass");
        var unknownEmail = wrap("user", "email", "nobody-" + user.email(), "password", "wrong-pass");

        Work wrong = workOf(() -> api.post("/users/login", wrongPassword, null)
                .assertError(401, "credentials", "invalid"));
        Work unknown = workOf(() -> api.post("/users/login", unknownEmail, null)
                .assertError(401, "credentials", "invalid"));

        // one hash each; the statements: the account's lookup, then the email's failed-login bucket, read and
        // spent (in the database with DATABASE_URL, where other nodes count it too)
        assertThat(unknown).isEqualTo(wrong);
        assertThat(unknown.hashes()).isEqualTo(1);
    }

    /** SQL statements run and Argon2id computations made (as the metrics count them). */
    private record Work(long statements, long hashes) {
    }

    private static Work workOf(Runnable request) throws IOException, InterruptedException {
        long hashesBefore = passwordHashes();
        long statements = TestServer.statements().countDuring(request);
        return new Work(statements, passwordHashes() - hashesBefore);
    }

    private static long passwordHashes() throws IOException, InterruptedException {
        double total = TestServer.metric(TestServer.app().managementPort(), "conduit_password_hashes_total");
        assertThat(total).as("a count, not NaN (the counter's source was collected)").isNotNaN();
        return (long) total;
    }

    @Test
    void loginRequiresEmailAndPassword() {
        var res = api.post("/users/login", wrap("user", "email", "", "password", ""), null);

        res.assertErrors(422, Map.of("email", List.of("can't be blank"), "password", List.of("can't be blank")));
    }

    @Test
    void currentUserAcceptsTokenAndBearerSchemes() {
        var user = api.register("schemes");

        for (String scheme : new String[] {"Token ", "Bearer ", "bearer "}) {
            var res = api.raw("GET", "/user", null, Map.of("Authorization", scheme + user.token()));
            assertThat(res.status()).as(scheme).isEqualTo(200);
            assertThat(res.text("/user/username")).isEqualTo(user.username());
            assertThat(res.text("/user/token")).isEqualTo(user.token());
        }
    }

    @Test
    void currentUserWithoutTokenIs401() {
        api.get("/user").assertError(401, "token", "is missing");
    }

    @Test
    void updateChangesOnlyTheFieldsSent() {
        var user = api.register("upd");

        var res = api.put("/user", wrap("user", "bio", "I write", "image", "https://example.com/me.png"),
                user.token());

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text("/user/bio")).isEqualTo("I write");
        assertThat(res.text("/user/image")).isEqualTo("https://example.com/me.png");
        assertThat(res.text("/user/username")).isEqualTo(user.username());
        assertThat(api.get("/user", user.token()).text("/user/bio")).isEqualTo("I write");
    }

    @Test
    void emptyOrNullBioAndImageAreStoredAsNull() {
        var user = api.register("clear");
        api.put("/user", wrap("user", "bio", "x", "image", "https://example.com/a.png"), user.token());

        var body = new HashMap<String, Object>();
        body.put("bio", "");
        body.put("image", null);
        var res = api.put("/user", Map.of("user", body), user.token());

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.at("/user/bio").isNull()).isTrue();
        assertThat(res.at("/user/image").isNull()).isTrue();
    }

    @Test
    void updateRejectsBadValuesAndChangesNothing() {
        var user = api.register("badupd");
        var nullEmail = new HashMap<String, Object>();
        nullEmail.put("email", null);

        api.put("/user", Map.of("user", nullEmail), user.token()).assertError(422, "email", "can't be blank");
        api.put("/user", wrap("user", "username", ""), user.token()).assertError(422, "username", "can't be blank");
        api.put("/user", wrap("user", "image", "javascript:alert(1)"), user.token())
                .assertError(422, "image", "must be an http or https URL");
        api.put("/user", wrap("user", "password", "short"), user.token())
                .assertError(422, "password", "is too short (minimum is 8 characters)");
        api.put("/user", wrap("user"), user.token())
                .assertError(422, "user", "must contain at least one field to change");

        var after = api.get("/user", user.token());
        assertThat(after.text("/user/email")).isEqualTo(user.email());
        assertThat(after.text("/user/username")).isEqualTo(user.username());
        assertThat(after.at("/user/image").isNull()).isTrue();
    }

    @Test
    void updateToATakenUsernameIsAConflict() {
        var taken = api.register("taken");
        var user = api.register("wants");

        var res = api.put("/user", wrap("user", "username", taken.username()), user.token());

        res.assertError(409, "username", "has already been taken");
        assertThat(api.get("/user", user.token()).text("/user/username")).isEqualTo(user.username());
    }

    @Test
    void keepingYourOwnUsernameIsNotAConflict() {
        var user = api.register("same");

        var res = api.put("/user", wrap("user", "username", user.username(), "email", user.email()), user.token());

        assertThat(res.status()).isEqualTo(200);
    }

    @Test
    void aPasswordChangeEndsTheTokensIssuedBeforeItButNotTheOneItReturns() {
        var user = api.register("pw");
        String loggedIn = api.post("/users/login", wrap("user", "email", user.email(), "password", user.password()),
                null).text("/user/token");
        api.get("/user", user.token()); // its generation is cached now: the change must reach the cache

        var res = api.put("/user", wrap("user", "password", "a-new-password"), user.token());
        assertThat(res.status()).isEqualTo(200);
        String changed = res.text("/user/token");

        // the same second as the change: seconds-granular issue times could not tell these apart
        for (String old : List.of(user.token(), loggedIn)) {
            for (String path : List.of("/user", "/articles", "/articles/feed")) {
                api.get(path, old).assertError(401, "token", "was issued before the account's password changed");
            }
        }
        assertThat(api.get("/user", changed).text("/user/username")).isEqualTo(user.username());
        api.post("/users/login", wrap("user", "email", user.email(), "password", user.password()), null)
                .assertError(401, "credentials", "invalid");
        String newLogin = api.post("/users/login", wrap("user", "email", user.email(), "password", "a-new-password"),
                null).text("/user/token");
        assertThat(api.get("/user", newLogin).status()).isEqualTo(200);

        // the next change ends the token the previous one returned
        String again = api.put("/user", wrap("user", "password", "a-third-password"), changed).text("/user/token");
        api.get("/user", changed).assertError(401, "token", "was issued before the account's password changed");
        api.get("/user", newLogin).assertError(401, "token", "was issued before the account's password changed");
        assertThat(api.get("/user", again).status()).isEqualTo(200);
    }

    @Test
    void changesOtherThanThePasswordEndNoToken() {
        var user = api.register("keeps");
        api.get("/user", user.token());

        var res = api.put("/user", wrap("user", "bio", "still me", "username", Api.unique("keeps"),
                "email", Api.unique("keeps") + "@example.com", "image", "https://example.com/me.png"), user.token());

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text("/user/token")).isEqualTo(user.token());
        assertThat(api.get("/user", user.token()).text("/user/bio")).isEqualTo("still me");
    }

    @Test
    void anAuthenticatedRequestLooksUpItsTokensGenerationOnceThenFromMemory() {
        var user = api.register("once");
        String profile = "/profiles/" + user.username();
        api.get(profile); // the profile itself is cached; what is left is the caller's token

        long first = TestServer.statements().countDuring(() -> api.get(profile, user.token()));
        long then = TestServer.statements().countDuring(() -> api.get(profile, user.token()));

        assertThat(first).isEqualTo(2); // the token's generation, and the caller's follows
        assertThat(then).isZero();
    }

    @Test
    void renamedUserKeepsTheirAccount() {
        var user = api.register("rename");
        String newName = Api.unique("renamed");

        var res = api.put("/user", wrap("user", "username", newName), user.token());

        assertThat(res.status()).isEqualTo(200);
        assertThat(api.get("/user", res.text("/user/token")).text("/user/username")).isEqualTo(newName);
        assertThat(api.get("/profiles/" + newName).status()).isEqualTo(200);
        api.get("/profiles/" + user.username()).assertError(404, "profile", "not found");
    }
}

package dev.conduit.users;

import static dev.conduit.Api.wrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsersTest {
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

        assertThat(res.status()).isEqualTo(422);
        assertThat(res.text("/errors/username/0")).isEqualTo("can't be blank");
        assertThat(res.text("/errors/email/0")).isEqualTo("can't be blank");
        assertThat(res.text("/errors/password/0")).isEqualTo("can't be blank");
    }

    @Test
    void registerRejectsMissingFields() {
        var res = api.post("/users", wrap("user"), null);

        assertThat(res.status()).isEqualTo(422);
        assertThat(res.at("/errors").fieldNames()).toIterable().contains("username", "email", "password");
    }

    @Test
    void registerValidatesFormatsAndLengths() {
        var res = api.post("/users", wrap("user", "username", "has space", "email", "not-an-email",
                "password", "short"), null);
        assertThat(res.status()).isEqualTo(422);
        assertThat(res.text("/errors/username/0")).contains("letters, digits");
        assertThat(res.text("/errors/email/0")).isEqualTo("is invalid");
        assertThat(res.text("/errors/password/0")).contains("too short");

        for (String unreachable : new String[] {".", "..", "-_"}) {
            var res2 = api.post("/users", wrap("user", "username", unreachable, "email", Api.unique("dots") + "@x.io",
                    "password", "password123"), null);
            assertThat(res2.status()).as(unreachable).isEqualTo(422);
        }

        var tooLong = api.post("/users", wrap("user", "username", "u".repeat(Users.MAX_USERNAME + 1),
                "email", "x@example.com", "password", "password123"), null);
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.text("/errors/username/0")).contains("too long");
    }

    @Test
    void duplicateUsernameOrEmailIsAConflictWhateverTheCase() {
        var user = api.register("dup");

        var sameName = api.post("/users", wrap("user", "username", user.username().toUpperCase(),
                "email", Api.unique("other") + "@example.com", "password", "password123"), null);
        assertThat(sameName.status()).isEqualTo(409);
        assertThat(sameName.text("/errors/username/0")).isEqualTo("has already been taken");

        var sameEmail = api.post("/users", wrap("user", "username", Api.unique("other"),
                "email", user.email().toUpperCase(), "password", "password123"), null);
        assertThat(sameEmail.status()).isEqualTo(409);
        assertThat(sameEmail.text("/errors/email/0")).isEqualTo("has already been taken");
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

        for (var res : new Api.Response[] {wrongPassword, unknownEmail}) {
            assertThat(res.status()).isEqualTo(401);
            assertThat(res.text("/errors/credentials/0")).isEqualTo("invalid");
        }
    }

    @Test
    void loginRequiresEmailAndPassword() {
        var res = api.post("/users/login", wrap("user", "email", "", "password", ""), null);

        assertThat(res.status()).isEqualTo(422);
        assertThat(res.text("/errors/email/0")).isEqualTo("can't be blank");
        assertThat(res.text("/errors/password/0")).isEqualTo("can't be blank");
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
        var res = api.get("/user");

        assertThat(res.status()).isEqualTo(401);
        assertThat(res.text("/errors/token/0")).isEqualTo("is missing");
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

        assertThat(api.put("/user", Map.of("user", nullEmail), user.token()).status()).isEqualTo(422);
        assertThat(api.put("/user", wrap("user", "username", ""), user.token()).status()).isEqualTo(422);
        assertThat(api.put("/user", wrap("user", "image", "javascript:alert(1)"), user.token()).status())
                .isEqualTo(422);
        assertThat(api.put("/user", wrap("user", "password", "short"), user.token()).status()).isEqualTo(422);
        var empty = api.put("/user", wrap("user"), user.token());
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.text("/errors/user/0")).contains("at least one field");

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

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.text("/errors/username/0")).isEqualTo("has already been taken");
        assertThat(api.get("/user", user.token()).text("/user/username")).isEqualTo(user.username());
    }

    @Test
    void keepingYourOwnUsernameIsNotAConflict() {
        var user = api.register("same");

        var res = api.put("/user", wrap("user", "username", user.username(), "email", user.email()), user.token());

        assertThat(res.status()).isEqualTo(200);
    }

    @Test
    void passwordChangeTakesEffectAndTheOldTokenKeepsWorking() {
        var user = api.register("pw");

        var res = api.put("/user", wrap("user", "password", "a-new-password"), user.token());
        assertThat(res.status()).isEqualTo(200);

        assertThat(api.post("/users/login", wrap("user", "email", user.email(), "password", user.password()), null)
                .status()).isEqualTo(401);
        assertThat(api.post("/users/login", wrap("user", "email", user.email(), "password", "a-new-password"), null)
                .status()).isEqualTo(200);
        assertThat(api.get("/user", user.token()).status()).isEqualTo(200);
    }

    @Test
    void renamedUserKeepsTheirAccount() {
        var user = api.register("rename");
        String newName = Api.unique("renamed");

        var res = api.put("/user", wrap("user", "username", newName), user.token());

        assertThat(res.status()).isEqualTo(200);
        assertThat(api.get("/user", res.text("/user/token")).text("/user/username")).isEqualTo(newName);
        assertThat(api.get("/profiles/" + newName).status()).isEqualTo(200);
        assertThat(api.get("/profiles/" + user.username()).status()).isEqualTo(404);
    }
}

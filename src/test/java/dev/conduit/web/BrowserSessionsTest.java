package dev.conduit.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signing up, in and out in a browser: the session cookie, the forms' tokens, and what the API makes of them. */
class BrowserSessionsTest {
    @Test
    void signingUpStartsASessionInAnHttpOnlyLaxCookieAndTheHeaderNamesTheUser() {
        var browser = new Visitor();
        String name = Api.unique("web");
        var form = browser.get("/register");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.setCookie("conduit_visitor")).contains("HttpOnly").contains("SameSite=Lax")
                .doesNotContain("Secure");
        var answer = browser.post("/register", Map.of("csrf", form.csrf(), "username", name,
                "email", name + "@example.com", "password", "password123"));

        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.location()).isEqualTo("/");
        assertThat(answer.setCookie("conduit_session")).contains("HttpOnly").contains("SameSite=Lax")
                .contains("Path=/");
        var home = browser.get("/");
        assertThat(home.html().select("nav a[href=/profile/" + name + "]").text()).isEqualTo(name);
        assertThat(home.html().select("nav").text()).contains("New Article", "Settings").doesNotContain("Sign in");
        assertThat(home.headers().firstValue("Cache-Control")).hasValue("private, no-store");
    }

    @Test
    void signingInWithTheWrongPasswordShowsWhyAndKeepsTheEmail() {
        var owner = new Visitor().signUp(Api.unique("web"));
        String email = owner.get("/settings").html().select("input[name=email]").val();
        var browser = new Visitor();

        var answer = browser.submit("/login", "/login", Map.of("email", email, "password", "wrong-password"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.html().select(".error-messages li").text()).isEqualTo("email or password invalid");
        assertThat(answer.html().select("input[name=email]").val()).isEqualTo(email);
        assertThat(answer.setCookie("conduit_session")).isNull();

        var signedIn = browser.submit("/login", "/login", Map.of("email", email, "password", "password123"));
        assertThat(signedIn.status()).isEqualTo(303);
        assertThat(browser.get("/settings").status()).isEqualTo(200);
    }

    @Test
    void signingOutEndsTheSessionOnTheServerSoAReplayedCookieIsRefused() {
        var browser = new Visitor().signUp(Api.unique("web"));
        String stolen = browser.cookies.get("conduit_session");
        assertThat(browser.get("/settings").status()).isEqualTo(200);

        var out = browser.submit("/settings", "/logout", Map.of());

        assertThat(out.status()).isEqualTo(303);
        assertThat(out.setCookie("conduit_session")).contains("Expires=Thu, 1 Jan 1970 00:00:00 GMT");
        var replay = new Visitor();
        replay.cookies.put("conduit_session", stolen);
        var settings = replay.get("/settings");
        assertThat(settings.status()).isEqualTo(303);
        assertThat(settings.location()).isEqualTo("/login");
        // the refused cookie is removed, so the browser stops sending it
        assertThat(settings.setCookie("conduit_session")).contains("Expires=Thu, 1 Jan 1970 00:00:00 GMT");
        assertThat(replay.cookies).doesNotContainKey("conduit_session");
        replay.cookies.put("conduit_session", stolen);
        var home = replay.get("/");
        assertThat(home.html().select("nav").text()).contains("Sign in");
        assertThat(home.setCookie("conduit_session")).contains("Expires=Thu, 1 Jan 1970 00:00:00 GMT");
        // the token inside the cookie is refused by the API too, now that its session is over
        TestServer.api().get("/user", stolen).assertError(401, "token", "belongs to a session that was signed out");
    }

    @Test
    void theApiNeverReadsTheSessionCookie() {
        var browser = new Visitor().signUp(Api.unique("web"));
        var api = TestServer.api();
        var answer = api.raw("GET", "/user", null, Map.of("Cookie", "conduit_session="
                + browser.cookies.get("conduit_session")));
        assertThat(answer.status()).isEqualTo(401);
        var write = api.raw("POST", "/articles", "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\"}}",
                Map.of("Cookie", "conduit_session=" + browser.cookies.get("conduit_session"),
                        "Content-Type", "application/json"));
        assertThat(write.status()).isEqualTo(401);
    }

    @Test
    void formsWithoutTheirTokenOrWithAnotherBrowsersAreRefusedAndChangeNothing() {
        String name = Api.unique("web");
        var stranger = new Visitor();
        stranger.get("/register");
        var noToken = stranger.post("/register", Map.of("username", name, "email", name + "@example.com",
                "password", "password123"));
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(noToken.html().select("h1").text()).isEqualTo("403 Forbidden");
        var othersToken = stranger.post("/register", Map.of("csrf", new Visitor().get("/register").csrf(),
                "username", name, "email", name + "@example.com", "password", "password123"));
        assertThat(othersToken.status()).isEqualTo(403);
        TestServer.api().get("/profiles/" + name).assertError(404, "profile", "not found");

        String authorName = Api.unique("web");
        var author = new Visitor().signUp(authorName);
        var other = new Visitor().signUp(Api.unique("web"));
        String title = Api.unique("Forged");
        var forged = author.post("/editor", Map.of("csrf", other.get("/editor").csrf(), "title", title,
                "description", "d", "body", "b", "tags", ""));
        assertThat(forged.status()).isEqualTo(403);
        var missing = author.post("/editor", Map.of("title", title, "description", "d", "body", "b"));
        assertThat(missing.status()).isEqualTo(403);
        assertThat(TestServer.api().get("/articles?author=" + authorName).json().path("articlesCount").asInt())
                .isZero();
    }

    @Test
    void aFormPostedWithoutASessionGoesToSignIn() {
        var answer = new Visitor().post("/editor", Map.of("title", "t"));
        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.location()).isEqualTo("/login");
    }

    @Test
    void changingThePasswordKeepsThisSessionAndEndsTheOthers() {
        String name = Api.unique("web");
        var here = new Visitor().signUp(name);
        var elsewhere = new Visitor();
        elsewhere.submit("/login", "/login", Map.of("email", name + "@example.com", "password", "password123"));
        assertThat(elsewhere.get("/settings").status()).isEqualTo(200);

        var saved = here.submit("/settings", "/settings", Map.of("image", "", "username", name,
                "bio", "Writes about web pages.", "email", name + "@example.com", "password", "a-new-password"));

        assertThat(saved.status()).isEqualTo(303);
        assertThat(saved.location()).isEqualTo("/profile/" + name);
        assertThat(here.get("/settings").status()).isEqualTo(200);
        assertThat(here.get("/profile/" + name).html().select(".user-info p").text())
                .isEqualTo("Writes about web pages.");
        assertThat(elsewhere.get("/settings").status()).isEqualTo(303);
    }

    @Test
    void settingsShowEachProblemUnderItsFieldAndKeepWhatWasTyped() {
        String taken = Api.unique("web");
        new Visitor().signUp(taken);
        var browser = new Visitor().signUp(Api.unique("web"));

        var answer = browser.submit("/settings", "/settings", Map.of("image", "not a url", "username", "",
                "bio", "My bio", "email", taken + "@example.com", "password", ""));

        assertThat(answer.status()).isEqualTo(422);
        var page = answer.html();
        assertThat(page.select("#image-error").text()).isEqualTo("image must be an http or https URL");
        assertThat(page.select("#username-error").text()).isEqualTo("username can't be blank");
        assertThat(page.select("textarea[name=bio]").text()).isEqualTo("My bio");
    }
}

package dev.conduit.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.Api;
import dev.conduit.Browser;
import dev.conduit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * axe-core (from npm, installed by the build beside the pages' packages) on every page, signed out and in: no
 * violation that axe calls serious or critical.
 */
class AccessibilityTest {
    private static final Path AXE = Path.of("target/npm/node_modules/axe-core/axe.min.js");

    @Test
    void noPageHasASeriousOrCriticalViolation() throws Exception {
        String axe = Files.readString(AXE);
        var author = new Visitor();
        String name = Api.unique("a11y");
        author.signUp(name);
        String article = author.submit("/editor", "/editor", Map.of("title", Api.unique("Accessible"),
                "description", "Checked by axe", "body", "# Heading\n\nText with a [link](https://example.com).",
                "tags", "a11y")).location();
        author.submit(article, article + "/comments", Map.of("body", "A comment."));

        var browser = Browser.start();
        try {
            var found = new ArrayList<String>();
            var anonymous = List.of("/", "/login", "/register", article, "/profile/" + name,
                    "/profile/" + name + "/favorites", "/no-such-page");
            for (String page : anonymous) {
                found.addAll(violations(browser, axe, Visitor.base() + page));
            }
            signIn(browser, Visitor.base(), name);
            var signedIn = List.of("/", "/?feed=yours", "/editor", "/settings", article,
                    "/editor/" + article.substring("/article/".length()), "/profile/" + name);
            for (String page : signedIn) {
                found.addAll(violations(browser, axe, Visitor.base() + page));
            }
            assertThat(found).as("serious and critical violations (page: rule: elements)").isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void theSettingsWithEmailOnHaveNoSeriousOrCriticalViolation() throws Exception {
        Assumptions.assumeFalse(TestServer.elsewhereSet(), "CONDUIT_URL: this needs a server of the test's own");
        String axe = Files.readString(AXE);
        // email on (its mails go nowhere: nothing listens there), so the settings show the address's state, notices
        try (var own = TestServer.start(Map.of("SMTP_URL", "smtp://127.0.0.1:9", "SITE_URL", "http://conduit.test"))) {
            String origin = "http://127.0.0.1:" + own.app().port();
            String name = Api.unique("a11y_mail");
            new Visitor(origin).signUp(name);
            var browser = Browser.start();
            try {
                signIn(browser, origin, name);
                var found = violations(browser, axe, origin + "/settings");
                assertThat(browser.findElements(By.cssSelector("input[name=notify-comments], "
                        + "form[action='/settings/verification']"))).as("the part about email").hasSize(2);
                assertThat(found).as("serious and critical violations (page: rule: elements)").isEmpty();
            } finally {
                browser.quit();
            }
        }
    }

    /** Signs {@code name} in (password "password123") at {@code origin}, as a visitor would. */
    private static void signIn(ChromeDriver browser, String origin, String name) {
        browser.get(origin + "/login");
        browser.findElement(By.name("email")).sendKeys(name + "@example.com");
        browser.findElement(By.name("password")).sendKeys("password123");
        browser.findElement(By.cssSelector(".auth-page button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(WebDriverException.class)
                .until(driver -> driver.findElement(By.cssSelector("nav")).getText().contains(name));
    }

    /** axe's serious and critical findings on the page at {@code url}. */
    private static List<String> violations(ChromeDriver browser, String axe, String url) throws Exception {
        browser.get(url);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        browser.executeScript(axe);
        String json = (String) browser.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(function (r) { done(JSON.stringify(r.violations)); })"
                + ".catch(function (e) { done('error: ' + e); });");
        assertThat(json).doesNotStartWith("error:");
        var out = new ArrayList<String>();
        for (JsonNode violation : new ObjectMapper().readTree(json)) {
            String impact = violation.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                var targets = new ArrayList<String>();
                violation.path("nodes").forEach(node -> targets.add(node.path("target").toString()));
                out.add(url + ": " + violation.path("id").asText() + " (" + impact + "): " + targets);
            }
        }
        return out;
    }
}

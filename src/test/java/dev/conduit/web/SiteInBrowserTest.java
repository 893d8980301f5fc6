package dev.conduit.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.Browser;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The site in a real browser (Debian's Chromium), with JavaScript on and off: a writer publishes, a reader
 * follows, favorites and comments, and each sees what they should. With JavaScript on, the actions update the page
 * in place; off, they post and come back. Either way, nothing the page loads is refused by its policy.
 */
class SiteInBrowserTest {
    @ParameterizedTest(name = "JavaScript {0}")
    @ValueSource(booleans = {true, false})
    void aWriterAndAReaderMeetOnTheSite(boolean javascript) throws Exception {
        String writer = Api.unique("writer");
        String reader = Api.unique("reader");
        String title = Api.unique("A journey");
        String tag = Api.unique("journey");
        ChromeDriver a = Browser.start(javascript);
        ChromeDriver b = Browser.start(javascript);
        try {
            // the writer signs up, writes an article with tags; it shows on the home page and under its tag
            signUp(a, writer);
            a.findElement(By.linkText("New Article")).click();
            fill(a, "title", title);
            fill(a, "description", "What a browser sees");
            fill(a, "body", "## Step one\n\nRead **this** first.");
            fill(a, "tags", tag + ", web");
            a.findElement(By.cssSelector(".editor-page button")).click();
            waitForText(a, ".banner h1", title);
            assertThat(a.findElement(By.cssSelector(".article-body h2")).getText()).isEqualTo("Step one");
            String articleUrl = a.getCurrentUrl();
            a.get(Visitor.base() + "/");
            assertThat(texts(a, ".article-preview h1")).contains(title);
            a.get(articleUrl);
            a.findElement(By.linkText(tag)).click();
            assertThat(texts(a, ".article-preview h1")).containsExactly(title);

            // the reader follows, favorites and comments
            signUp(b, reader);
            b.get(articleUrl);
            click(b, ".banner button[aria-pressed][class*=action-btn]");
            waitForText(b, ".banner .action-btn", "Unfollow " + writer);
            click(b, ".banner form[action$=favorite] button");
            waitForText(b, ".banner form[action$=favorite] button", "Unfavorite Article 1");
            fill(b, "body", "Good read.");
            b.findElement(By.cssSelector(".comment-form button")).click();
            waitForText(b, ".card .card-text", "Good read.");
            assertThat(b.getCurrentUrl()).startsWith(articleUrl);
            b.get(Visitor.base() + "/?feed=yours");
            assertThat(texts(b, ".article-preview h1")).contains(title);

            // the writer sees the favorite and the comment, and deletes the comment they add (only a comment's
            // author may delete it: the reader's has no delete button for the writer)
            a.get(Visitor.base() + "/profile/" + writer);
            assertThat(a.findElement(By.cssSelector(".article-preview .counter")).getText()).isEqualTo("1");
            a.get(articleUrl);
            assertThat(texts(a, ".card .card-text")).containsExactly("Good read.");
            assertThat(a.findElements(By.cssSelector(".card .mod-options"))).isEmpty();
            fill(a, "body", "Thank you!");
            a.findElement(By.cssSelector(".comment-form button")).click();
            waitForText(a, ".card .card-text", "Thank you!");
            click(a, ".card .mod-options button");
            new WebDriverWait(a, Duration.ofSeconds(10)).ignoring(WebDriverException.class).until(driver ->
                    texts(driver, ".card .card-text").equals(List.of("Good read.")));

            // settings change the bio; then the writer signs out
            a.findElement(By.linkText("Settings")).click();
            var bio = a.findElement(By.name("bio"));
            bio.clear();
            bio.sendKeys("Writes journeys.");
            a.findElement(By.cssSelector(".settings-page form[action='/settings'] button")).click();
            waitForText(a, ".user-info p", "Writes journeys.");
            a.findElement(By.linkText("Settings")).click();
            a.findElement(By.cssSelector("form[action='/logout'] button")).click();
            waitForText(a, "nav", "Sign in");
            assertThat(texts(a, "nav")).noneMatch(nav -> nav.contains(writer));
            a.get(Visitor.base() + "/settings");
            assertThat(a.getCurrentUrl()).endsWith("/login");

            for (var browser : List.of(a, b)) {
                var problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                        .filter(entry -> !entry.getMessage().contains("favicon"))
                        .toList();
                assertThat(problems).as("the console: no script error, no refusal by the Content-Security-Policy")
                        .isEmpty();
            }
        } finally {
            a.quit();
            b.quit();
        }
    }

    private static void signUp(WebDriver browser, String username) {
        browser.get(Visitor.base() + "/register");
        fill(browser, "username", username);
        fill(browser, "email", username + "@example.com");
        fill(browser, "password", "password123");
        browser.findElement(By.cssSelector(".auth-page button")).click();
        waitForText(browser, "nav", username);
    }

    private static void fill(WebDriver browser, String name, String text) {
        var field = browser.findElement(By.name(name));
        field.clear();
        field.sendKeys(text);
    }

    private static void click(WebDriver browser, String css) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(WebDriverException.class)
                .until(driver -> {
                    ExpectedConditions.elementToBeClickable(By.cssSelector(css)).apply(driver).click();
                    return true;
                });
    }

    /** Waits for {@code text} in an element matching {@code css}: after a click that posts, the page is replaced. */
    private static void waitForText(WebDriver browser, String css, String text) {
        // the page, or with JavaScript its <main>, is replaced under the wait: an element found may be gone when
        // its text is read, which Chromium reports as stale or as "Node ... does not belong to the document"
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(WebDriverException.class)
                .until(driver -> texts(driver, css).stream().anyMatch(shown -> shown.contains(text)));
    }

    private static List<String> texts(WebDriver browser, String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }
}

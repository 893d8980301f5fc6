package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The /docs page in a real browser: it loads under its Content-Security-Policy, lists the API, and tries GET /tags. */
class DocsPageTest {
    /** Kept for the README (copied from target/ by hand when the page changes). */
    private static final Path SCREENSHOT = Path.of("target/screenshots/docs.png");

    @Test
    void thePageListsTheOperationsAndTryingGetTagsAnswers() throws Exception {
        var api = TestServer.api();
        api.createArticle(api.register("docs"), Api.unique("Documented"), java.util.List.of("documented"));
        var browser = Browser.start();
        try {
            browser.get("http://127.0.0.1:" + TestServer.app().port() + "/docs");
            var wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector(".opblock"), 20));
            var paths = browser.findElements(By.cssSelector(".opblock-summary-path")).stream()
                    .map(element -> element.getAttribute("data-path")).toList();
            assertThat(paths).contains("/users/login", "/articles/{slug}", "/articles/{slug}/comments/{id}", "/tags",
                    "/health/ready");
            assertThat(browser.findElement(By.cssSelector(".info .title")).getText()).contains("Conduit API");
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));

            WebElement tags = browser.findElement(By.id("operations-Tags-GetTags"));
            tags.findElement(By.cssSelector(".opblock-summary-control")).click();
            wait.until(ExpectedConditions.elementToBeClickable(tags.findElement(By.cssSelector(".try-out__btn"))))
                    .click();
            wait.until(ExpectedConditions.elementToBeClickable(tags.findElement(By.cssSelector(".execute")))).click();
            var status = wait.until(ExpectedConditions.visibilityOf(
                    tags.findElement(By.cssSelector(".live-responses-table tr.response .response-col_status"))));
            assertThat(status.getText()).isEqualTo("200");
            assertThat(tags.findElement(By.cssSelector(".live-responses-table .microlight")).getText())
                    .contains("\"tags\"").contains("documented");

            var problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue()).toList();
            assertThat(problems).as("the browser console: no script error, no Content-Security-Policy refusal")
                    .isEmpty();
        } finally {
            browser.quit();
        }
    }
}

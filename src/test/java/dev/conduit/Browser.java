package dev.conduit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The browser tests' browser: Debian's headless Chromium driven through Debian's chromium-driver (Selenium),
 * both installed with apt when missing; nothing is downloaded from elsewhere (Selenium Manager never runs: the
 * driver and the browser are named).
 */
public final class Browser {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {
    }

    /** A new headless browser with its console log kept; the caller quits it. */
    public static ChromeDriver start() {
        return start(true);
    }

    /** The same, with JavaScript on or off. */
    public static synchronized ChromeDriver start(boolean javascript) {
        installIfMissing();
        var options = new ChromeOptions();
        if (!javascript) {
            options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: tests run as root here, and Chromium's sandbox refuses root
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600", "--disable-extensions", "--no-first-run");
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        var driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    private static void installIfMissing() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
            return;
        }
        Debian.install("chromium", "chromium-driver");
    }
}

package io.gripcast.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser: Debian's Chromium, driven by Selenium through Debian's chromedriver (both named
 * explicitly, nothing downloaded), opens the chat page through Pushpin in two windows; a message
 * sent in one arrives in the other.
 */
class BrowserChatTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static ChatStack stack;
  private static ChromeDriverService service;
  private static WebDriver driver;
  private static Path profile;

  @BeforeAll
  static void start() throws IOException {
    if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
      String why = "Chromium or chromedriver missing (" + CHROMIUM + ", " + CHROMEDRIVER
          + "): apt-get install -y chromium chromium-driver";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true and " + why);
      }
      Assumptions.abort("skipped: " + why + " (with CI=true this fails instead)");
    }
    stack = new ChatStack();
    profile = Files.createTempDirectory("chat-chromium");
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER)
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu",
        // no traffic beyond the test's own loopback pages
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--no-first-run", "--metrics-recording-only",
        "--user-data-dir=" + profile);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(WAIT);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
      if (service != null) {
        service.stop();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
      if (profile != null) {
        try (Stream<Path> files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static void openChat(String room) {
    driver.get(stack.viaPushpin("/index.html?room=" + room).toString());
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.id("status"), "connected"));
  }

  @Test
  void aMessageTypedInOneWindowAppearsInTheOther() {
    String room = "browser-" + Long.toString(System.nanoTime(), 36);
    openChat(room);
    String first = driver.getWindowHandle();
    assertThat(stack.pushpin.awaitSubscribed("chat-" + room, WAIT)).isTrue();

    driver.switchTo().newWindow(WindowType.WINDOW);
    openChat(room);
    String second = driver.getWindowHandle();

    // The second window's subscription may land a moment after its WebSocket opened: send again
    // (a bounded number of times) until it shows up there.
    String seen = null;
    for (int attempt = 1; attempt <= 3 && seen == null; attempt++) {
      String text = "hello from window one #" + attempt;
      driver.switchTo().window(first);
      driver.findElement(By.id("message")).sendKeys(text);
      driver.findElement(By.id("send")).click();
      new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), text));

      driver.switchTo().window(second);
      try {
        new WebDriverWait(driver, Duration.ofSeconds(5))
            .until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), text));
        seen = text;
      } catch (org.openqa.selenium.TimeoutException notYet) {
        // try again
      }
    }
    assertThat(seen).as("a message from window one in window two").isNotNull();
    assertThat(driver.findElement(By.id("messages")).getText()).contains(seen);
  }
}

package io.bourse.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for the dashboard tests: the system {@code chromium} driven through the system
 * {@code chromedriver} (Debian {@code chromium} + {@code chromium-driver}; Selenium Manager never downloads anything),
 * with the browser console captured so tests can assert it has no errors.
 */
public final class Browser implements AutoCloseable {
  public final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Skips (fails in CI) when the packages are missing. */
  public static void require() {
    Components.require(chromium() != null && Components.onPath("chromedriver") != null,
        "headless Chromium and its driver (Debian: apt-get install chromium chromium-driver)");
  }

  public static Browser open() {
    ChromeOptions options = new ChromeOptions()
        .setBinary(chromium())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
            "--disable-gpu", "--no-first-run", "--disable-extensions");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(Components.onPath("chromedriver"))).usingAnyFreePort().build();
    return new Browser(new ChromeDriver(service, options));
  }

  private static String chromium() {
    for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
      String p = Components.onPath(name);
      if (p != null) return p;
    }
    return null;
  }

  /**
   * Polls until the supplier returns non-null (or true), failing with a timeout otherwise. Live tables re-render as
   * events arrive, so an element read mid-update (stale) just means "look again".
   */
  public <T> T waitFor(Duration timeout, Supplier<T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait.until(d -> {
      T value = condition.get();
      return Boolean.FALSE.equals(value) ? null : value;
    });
  }

  public void logInToDashboard(int port, String email, String password) {
    driver.get("http://127.0.0.1:" + port + "/");
    driver.findElement(By.id("login-email")).sendKeys(email);
    driver.findElement(By.id("login-password")).sendKeys(password);
    driver.findElement(By.id("login-submit")).click();
    waitFor(Duration.ofSeconds(20), () -> driver.findElement(By.id("app-view")).isDisplayed());
  }

  /** SEVERE console entries (uncaught exceptions, console.error, failed loads) not accepted by {@code expected}. */
  public List<String> consoleErrors(Predicate<String> expected) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(expected.negate())
        .toList();
  }

  /** Keeps a screenshot under target/ for a person to look at, then quits. */
  @Override
  public void close() throws Exception {
    try {
      Path shot = Path.of("target", "dashboard-" + System.nanoTime() + ".png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.quit();
    }
  }
}

package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.Components;
import io.bourse.support.TestApp;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian {@code chromium} + {@code chromium-driver}) against the whole
 * service in-process: log in, watch prices move over the SockJS bridge, see the candle chart drawn, and no JavaScript
 * error in the console.
 */
class DashboardBrowserTest {
  /**
   * Chrome logs every non-2xx fetch as a console error. Until the trading REST (issue #6) and reconciliation land,
   * the page asks for them, gets 404 and says "not available": those 404s (and only those) are expected.
   */
  private static final List<String> MAY_BE_MISSING = List.of("/api/v1/accounts ", "/api/v1/trading/control ",
      "/api/v1/admin/reconciliation/runs ");

  static TestApp app;
  static String chromium;
  static String chromedriver;
  ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    chromium = firstOnPath("chromium", "chromium-browser", "google-chrome");
    chromedriver = firstOnPath("chromedriver");
    Components.require(chromium != null && chromedriver != null,
        "headless Chromium and its driver (Debian: apt-get install chromium chromium-driver)");
    app = TestApp.start(Api.knownAdmin());
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  @BeforeEach
  void openBrowser() {
    ChromeOptions options = new ChromeOptions()
        .setBinary(chromium)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
            "--disable-gpu", "--no-first-run", "--disable-extensions");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  @AfterEach
  void closeBrowser() throws Exception {
    if (driver == null) return;
    try {
      Path shot = Path.of("target", "dashboard-" + System.nanoTime() + ".png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.quit();
    }
  }

  @Test
  void logsInSeesPricesMoveAndTheCandleChart() {
    logInAsAdmin();

    // A price moves: the BTC-USD row shows one last price, then a different one, from md.tick.BTC-USD.
    WebElement last = waitFor(Duration.ofSeconds(20),
        () -> driver.findElements(By.cssSelector("#tickers tr[data-key='BTC-USD'] td.last")).stream().findFirst()
            .orElse(null));
    String first = waitFor(Duration.ofSeconds(20), () -> {
      String t = last.getText();
      return t.matches("\\d+(\\.\\d+)?") ? t : null;
    });
    String moved = waitFor(Duration.ofSeconds(30), () -> {
      String t = last.getText();
      return t.matches("\\d+(\\.\\d+)?") && !t.equals(first) ? t : null;
    });
    assertThat(moved).isNotEqualTo(first);
    assertThat(driver.findElement(By.id("conn-public")).getAttribute("data-state")).isEqualTo("live");

    // The chart: uPlot's canvas exists, the candle layer drew at least one candle, and the canvas is not blank.
    waitFor(Duration.ofSeconds(20), () -> {
      String n = driver.findElement(By.id("chart")).getAttribute("data-candles");
      return n != null && Integer.parseInt(n) >= 1 ? n : null;
    });
    Long painted = (Long) ((JavascriptExecutor) driver).executeScript("""
        const c = document.querySelector('#chart canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
        return n;""");
    assertThat(painted).as("painted pixels on the chart canvas").isGreaterThan(100L);

    // The admin panel is there for the bootstrap admin.
    assertThat(driver.findElement(By.id("admin")).isDisplayed()).isTrue();
    assertNoConsoleErrors();
  }

  @Test
  @Disabled("enable when the trading REST from issue #6 is merged")
  void placesAnOrderAndSeesItFill() {
    logInAsAdmin();
    waitFor(Duration.ofSeconds(20), () -> new Select(driver.findElement(By.id("account"))).getOptions().isEmpty()
        ? null : "account");
    waitFor(Duration.ofSeconds(20), () -> "live".equals(driver.findElement(By.id("conn-trading")).getAttribute("data-state"))
        ? "live" : null);
    new Select(driver.findElement(By.id("order-symbol"))).selectByValue("BTC-USD");
    new Select(driver.findElement(By.id("order-side"))).selectByValue("BUY");
    new Select(driver.findElement(By.id("order-type"))).selectByValue("MARKET");
    new Select(driver.findElement(By.id("order-tif"))).selectByValue("IOC");
    driver.findElement(By.id("order-quantity")).sendKeys("0.001");
    driver.findElement(By.id("order-submit")).click();

    // The order row arrives over the trading bridge (or the snapshot) and ends FILLED; a BTC-USD position appears.
    waitFor(Duration.ofSeconds(30), () -> driver.findElements(By.cssSelector("#orders tbody tr")).stream()
        .filter(tr -> tr.getText().contains("BTC-USD"))
        .map(tr -> tr.findElement(By.cssSelector("td.status")).getText())
        .filter("FILLED"::equals).findFirst().orElse(null));
    waitFor(Duration.ofSeconds(30), () -> driver.findElements(By.cssSelector("#positions tbody tr[data-key='BTC-USD']"))
        .isEmpty() ? null : "position");
    assertThat(driver.findElement(By.id("order-result")).getText()).doesNotContain("ERR_");
    assertNoConsoleErrors();
  }

  private void logInAsAdmin() {
    driver.get("http://127.0.0.1:" + app.port() + "/");
    driver.findElement(By.id("login-email")).sendKeys(Api.ADMIN_EMAIL);
    driver.findElement(By.id("login-password")).sendKeys(Api.ADMIN_PASSWORD);
    driver.findElement(By.id("login-submit")).click();
    waitFor(Duration.ofSeconds(20), () -> driver.findElement(By.id("app-view")).isDisplayed() ? "shown" : null);
  }

  private void assertNoConsoleErrors() {
    List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !(m.contains(" 404 ") && MAY_BE_MISSING.stream().anyMatch(m::contains)))
        .toList();
    assertThat(errors).as("browser console errors").isEmpty();
  }

  private <T> T waitFor(Duration timeout, java.util.function.Supplier<T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(d -> condition.get());
  }

  private static String firstOnPath(String... names) {
    for (String name : names) {
      String p = Components.onPath(name);
      if (p != null) return p;
    }
    return null;
  }
}

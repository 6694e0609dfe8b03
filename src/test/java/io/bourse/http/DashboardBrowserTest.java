package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.Browser;
import io.bourse.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium (Debian {@code chromium} + {@code chromium-driver}) against the whole
 * service in-process: log in, watch prices move over the SockJS bridge, see the candle chart drawn, and no JavaScript
 * error in the console.
 */
class DashboardBrowserTest {
  static TestApp app;
  Browser browser;
  ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    Browser.require();
    // No demo strategy: the only BTC-USD order the page shows is the one this test places.
    app = TestApp.start(Api.knownAdmin().put("trading", new JsonObject().put("demoStrategy", false)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  @BeforeEach
  void openBrowser() {
    browser = Browser.open();
    driver = browser.driver;
  }

  @AfterEach
  void closeBrowser() throws Exception {
    if (browser != null) browser.close();
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
    browser.logInToDashboard(app.port(), Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
  }

  private void assertNoConsoleErrors() {
    assertThat(browser.consoleErrors(DashboardBrowserTest::expected)).as("browser console errors")
        .isEmpty();
  }

  /** Every endpoint the page calls exists now: no console error is expected. */
  static boolean expected(String message) {
    return false;
  }

  private <T> T waitFor(Duration timeout, java.util.function.Supplier<T> condition) {
    return browser.waitFor(timeout, condition);
  }
}

package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.Browser;
import io.bourse.support.TestApp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

/**
 * With 30-second access tokens the page must refresh before expiry and move its authenticated bridges (admin and
 * trading) onto the new token, so that 40 s after login, when the first token is dead (the bridge closes sockets still
 * on it with 4401), the page is still logged in, has exactly one admin and one trading bridge socket (and was never
 * without one), and REST calls still succeed. It moves them over the open sockets ({@code bridge.auth}), not by
 * reconnecting: the server counts the re-authentications, and no second socket is ever opened.
 */
class DashboardTokenRefreshBrowserTest {
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    Browser.require();
    app = TestApp.start(Api.knownAdmin().put("auth", new JsonObject().put("adminEmail", Api.ADMIN_EMAIL)
        .put("adminPassword", Api.ADMIN_PASSWORD).put("accessTokenTtlSeconds", 30)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  private static double adminSockets() {
    return sockets("admin");
  }

  private static double sockets(String namespace) {
    Gauge g = app.metrics.registry().find("bourse.bridge.sockets").tag("namespace", namespace).gauge();
    return g == null ? -1 : g.value();
  }

  private static double reauthenticated(String namespace) {
    Counter c = app.metrics.registry().find("bourse.bridge.reauthentications").tag("namespace", namespace)
        .tag("outcome", "ok").counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void refreshesBeforeExpiryAndKeepsTheBridgeAuthenticated() throws Exception {
    try (Browser browser = Browser.open()) {
      JavascriptExecutor js = browser.driver;
      long loggedInAt = System.currentTimeMillis();
      browser.logInToDashboard(app.port(), Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
      String first = (String) js.executeScript("return JSON.parse(sessionStorage.getItem('bourse.session')).accessToken");
      assertThat(first).isNotBlank();
      browser.waitFor(Duration.ofSeconds(20), () -> adminSockets() == 1 && sockets("trading") == 1);

      String refreshed = browser.waitFor(Duration.ofSeconds(20), () -> {
        String t = (String) js.executeScript("return JSON.parse(sessionStorage.getItem('bourse.session')).accessToken");
        return t != null && !t.equals(first) ? t : null;
      });
      assertThat(refreshed).isNotEqualTo(first);

      // Until past the first token's expiry (30 s), the page must never be without an admin or trading socket (a page
      // that only reconnected after the bridge's 4401 close would show a gap here), and never opens a second one (a
      // reconnect opens the new socket before closing the old).
      double fewest = Double.MAX_VALUE;
      double most = 0;
      while (System.currentTimeMillis() < loggedInAt + 40_000) {
        double admin = adminSockets();
        double trading = sockets("trading");
        fewest = Math.min(fewest, Math.min(admin, trading));
        most = Math.max(most, Math.max(admin, trading));
        Thread.sleep(50);
      }
      assertThat(fewest).as("admin and trading bridge sockets at any moment").isGreaterThanOrEqualTo(1);
      assertThat(most).as("sockets per namespace at any moment: re-authenticated, not reconnected").isEqualTo(1);
      assertThat(reauthenticated("admin")).as("admin socket re-authentications").isGreaterThanOrEqualTo(1);
      assertThat(reauthenticated("trading")).as("trading socket re-authentications").isGreaterThanOrEqualTo(1);
      assertThat(browser.driver.findElement(By.id("app-view")).isDisplayed()).as("still logged in").isTrue();
      browser.waitFor(Duration.ofSeconds(10), () -> adminSockets() == 1);
      assertThat(browser.driver.findElement(By.id("conn-public")).getAttribute("data-state")).isEqualTo("live");

      // A REST call made now carries a live token: switching the chart loads another symbol's candles.
      new Select(browser.driver.findElement(By.id("chart-symbol"))).selectByValue("ETH-USD");
      browser.waitFor(Duration.ofSeconds(20), () -> {
        String n = browser.driver.findElement(By.id("chart")).getAttribute("data-candles");
        return n != null && Integer.parseInt(n) >= 1;
      });
      assertThat(browser.driver.findElement(By.id("banner")).isDisplayed()).isFalse();
      assertThat(browser.consoleErrors(DashboardBrowserTest::expected)).isEmpty();
    }
  }
}

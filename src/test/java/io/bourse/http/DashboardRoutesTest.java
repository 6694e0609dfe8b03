package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's static files over plain HTTP: content types, caching, the CSP, the WebJar libraries the page names,
 * and that mounting it at {@code /} takes nothing away from the API, health, metrics, docs or the bridge.
 */
class DashboardRoutesTest {
  static TestApp app;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin());
    api = new Api(app);
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  private static HttpResponse<Buffer> get(String path) {
    return app.client.request(HttpMethod.GET, path).send().await();
  }

  @Test
  void pageIsHtmlWithAStrictPolicyAndRevalidated() {
    HttpResponse<Buffer> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/html");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(r.getHeader("Last-Modified")).isNotBlank();
    String csp = r.getHeader("Content-Security-Policy");
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    String html = r.bodyAsString();
    assertThat(html).contains("id=\"login-form\"").doesNotContain("${");
    // No inline script or style: the CSP would block it.
    assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("<style", " style=\"");

    // Revalidation: unchanged since Last-Modified -> 304 without a body.
    HttpResponse<Buffer> again = app.client.request(HttpMethod.GET, "/")
        .putHeader("If-Modified-Since", r.getHeader("Last-Modified")).send().await();
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void everyScriptAndStyleThePageNamesIsServedWithTheRightTypeAndCaching() {
    String html = get("/").bodyAsString();
    Matcher m = Pattern.compile("(?:src|href)=\"(/(?:assets|webjars)/[^\"]+)\"").matcher(html);
    int count = 0;
    while (m.find()) {
      String path = m.group(1);
      HttpResponse<Buffer> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      String expectedType = path.endsWith(".css") ? "text/css" : "text/javascript";
      assertThat(r.getHeader("Content-Type")).as(path).startsWith(expectedType);
      if (path.startsWith("/webjars/")) {
        // Versioned path: cached for a year and never revalidated.
        assertThat(r.getHeader("Cache-Control")).as(path).contains("immutable").contains("max-age=31536000");
      } else {
        assertThat(r.getHeader("Cache-Control")).as(path).isEqualTo("no-cache");
      }
      count++;
    }
    assertThat(count).as("sockjs, uPlot js+css, app css+js").isGreaterThanOrEqualTo(5);
    // The modules app.js imports.
    for (String module : new String[] {"/assets/api.js", "/assets/bus.js", "/assets/chart.js", "/assets/trading.js"}) {
      HttpResponse<Buffer> r = get(module);
      assertThat(r.statusCode()).as(module).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).as(module).startsWith("text/javascript");
    }
  }

  @Test
  void missingFilesAndDirectoriesAreTheApisJson404() {
    for (String path : new String[] {"/assets/nope.js", "/assets/", "/webjars/", "/webjars/nope/1/x.js",
        "/assets/.hidden", "/index.htm"}) {
      HttpResponse<Buffer> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.getHeader("Content-Type")).as(path).startsWith("application/json");
    }
  }

  @Test
  void dotSegmentsNeverReachFilesOutsideTheWebRoots() {
    for (String path : new String[] {"/assets/../bourse-build.properties", "/assets/%2e%2e/bourse-build.properties",
        "/assets/..%2fbourse-build.properties", "/webjars/..%2f..%2f..%2fbourse-build.properties",
        "/webjars/%2e%2e/%2e%2e/%2e%2e/%2e%2e/conf/application.json", "/assets/..%5c..%5cconf%5capplication.json"}) {
      HttpResponse<Buffer> r = get(path);
      assertThat(r.statusCode()).as(path).isIn(301, 400, 404);
      String body = r.bodyAsString() == null ? "" : r.bodyAsString();
      assertThat(body).as(path).doesNotContain("swaggerUiVersion").doesNotContain("adminPassword");
    }
  }

  @Test
  void theRestOfTheServiceIsUntouched() {
    HttpResponse<Buffer> notFound = get("/api/v1/nope");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(Api.errorCode(notFound)).isEqualTo("ERR_NOT_FOUND_001");
    assertThat(notFound.getHeader("Content-Security-Policy")).isNull();
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").bodyAsString()).contains("bourse_bridge_sockets");
    assertThat(get("/openapi.yaml").getHeader("Content-Type")).startsWith("application/yaml");
    assertThat(get("/docs/").statusCode()).isEqualTo(200);
    assertThat(get("/eventbus/info").bodyAsJsonObject().getBoolean("websocket")).isTrue();
    assertThat(get("/api/v1/me").statusCode()).isEqualTo(401);
  }
}

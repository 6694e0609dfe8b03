package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service as deployed on embedded defaults: metrics, contract, docs, CORS. */
class HttpPlatformTest {
  private static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(new JsonObject().put("http", new JsonObject()
        .put("corsAllowedOrigins", new JsonArray().add("https://dashboard.example.com"))));
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static HttpResponse<Buffer> get(String path) {
    return app.client.get(path).send().await();
  }

  @Test
  void metricsExposeHttpRoutesEventBusAndJvm() {
    get("/health/live");
    get("/api/v1/orders/123e4567-e89b-12d3-a456-426614174000");
    app.vertx.eventBus().consumer("test.metrics.ping", m -> m.reply("pong"));
    assertThat(app.vertx.eventBus().request("test.metrics.ping", "ping").await().body()).isEqualTo("pong");
    HttpResponse<Buffer> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    String text = metrics.bodyAsString();
    assertThat(text).contains("vertx_http_server_requests_total{code=\"200\",method=\"GET\",route=\"/health/live\"}");
    assertThat(text).as("unmatched paths are not turned into labels").doesNotContain("123e4567");
    assertThat(text).contains("vertx_eventbus_handlers", "vertx_eventbus_processed_total");
    assertThat(text).contains("jvm_memory_used_bytes");
    assertThat(text).contains("vertx_http_server_response_time_seconds");
  }

  @Test
  void contractIsServedAndDocumentsTheErrorCatalogue() {
    HttpResponse<Buffer> contract = get("/openapi.yaml");
    assertThat(contract.statusCode()).isEqualTo(200);
    assertThat(contract.bodyAsString()).startsWith("openapi: 3.1.0").contains("ERR_VAL_001", "ERR_INTERNAL_001");
    for (io.bourse.common.ErrorCode code : io.bourse.common.ErrorCode.values()) {
      assertThat(contract.bodyAsString()).as("catalogue code %s documented", code.code()).contains(code.code());
    }
  }

  @Test
  void swaggerUiIsServedFromTheWebJar() {
    HttpResponse<Buffer> redirect = get("/docs");
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.getHeader("Location")).isEqualTo("/docs/");
    HttpResponse<Buffer> index = get("/docs/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.bodyAsString()).contains("swagger-ui");
    assertThat(get("/docs/swagger-ui-bundle.js").statusCode()).isEqualTo(200);
    assertThat(get("/docs/swagger-initializer.js").bodyAsString()).contains("'/openapi.yaml'");
  }

  @Test
  void corsAllowsOnlyConfiguredOrigins() {
    HttpResponse<Buffer> allowed = app.client.request(HttpMethod.OPTIONS, "/health/ready")
        .putHeader("Origin", "https://dashboard.example.com")
        .putHeader("Access-Control-Request-Method", "GET").send().await();
    assertThat(allowed.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://dashboard.example.com");

    HttpResponse<Buffer> denied = app.client.get("/health/ready")
        .putHeader("Origin", "https://evil.example.net").send().await();
    assertThat(denied.getHeader("Access-Control-Allow-Origin")).isNull();
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ERR_AUTH_004");
  }

  @Test
  void unknownApiRouteGetsTheEnvelope() {
    HttpResponse<Buffer> response = get("/api/v1/does-not-exist");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ERR_NOT_FOUND_001");
  }
}

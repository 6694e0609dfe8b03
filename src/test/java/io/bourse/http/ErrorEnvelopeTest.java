package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every failure class leaves as the JSON envelope with its catalogue code and no internals. */
class ErrorEnvelopeTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = PlatformTestRouter.start(vertx, 2048);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String contentType, String body) {
    var request = client.request(method, path);
    if (contentType != null) request.putHeader("Content-Type", contentType);
    return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await();
  }

  private static JsonObject assertError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("requestId")).isEqualTo(response.getHeader("X-Request-Id")).isNotBlank();
    assertThat(error.getJsonArray("details")).isNotNull();
    assertThat(response.bodyAsString()).doesNotContain("Exception", "\tat ", "com.example", "io.vertx.");
    return error;
  }

  @Test
  void validRequestPassesValidation() {
    HttpResponse<Buffer> ok = send(HttpMethod.POST, "/api/v1/echo", "application/json",
        "{\"symbol\":\"BTC-USD\",\"quantity\":\"0.015\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getString("quantity")).isEqualTo("0.015");
  }

  @Test
  void unknownRouteIs404() {
    JsonObject error = assertError(send(HttpMethod.GET, "/api/v1/nothing-here", null, null), 404, "ERR_NOT_FOUND_001");
    assertThat(error.getString("message")).contains("/api/v1/nothing-here");
  }

  @Test
  void wrongMethodIs405() {
    assertError(send(HttpMethod.DELETE, "/api/v1/echo", null, null), 405, "ERR_VAL_009");
  }

  @Test
  void malformedJsonIs400WithItsOwnCode() {
    assertError(send(HttpMethod.POST, "/api/v1/echo", "application/json", "{\"symbol\": \"BTC"), 400, "ERR_VAL_001");
  }

  @Test
  void schemaViolationNamesTheField() {
    JsonObject error = assertError(send(HttpMethod.POST, "/api/v1/echo", "application/json",
        "{\"symbol\":\"BTC-USD\",\"quantity\":12}"), 400, "ERR_VAL_002");
    assertThat(error.getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("field")))
        .contains("quantity");
  }

  @Test
  void missingRequiredFieldIsASchemaViolation() {
    JsonObject error = assertError(send(HttpMethod.POST, "/api/v1/echo", "application/json",
        "{\"symbol\":\"BTC-USD\"}"), 400, "ERR_VAL_002");
    assertThat(error.getJsonArray("details").encode()).contains("quantity");
  }

  @Test
  void unknownFieldIsRejectedByName() {
    JsonObject error = assertError(send(HttpMethod.POST, "/api/v1/echo", "application/json",
        "{\"symbol\":\"BTC-USD\",\"quantity\":\"1\",\"role\":\"admin\"}"), 400, "ERR_VAL_003");
    assertThat(error.getJsonArray("details").encode()).contains("role");
  }

  @Test
  void missingBodyIs400() {
    assertError(send(HttpMethod.POST, "/api/v1/echo", "application/json", null), 400, "ERR_VAL_002");
  }

  @Test
  void invalidQueryParameterIs400() {
    JsonObject error = assertError(send(HttpMethod.GET, "/api/v1/items?limit=5000", null, null), 400, "ERR_VAL_004");
    assertThat(error.getString("message") + error.getJsonArray("details").encode()).contains("limit");
    assertError(send(HttpMethod.GET, "/api/v1/items?limit=ten", null, null), 400, "ERR_VAL_004");
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"symbol\":\"BTC-USD\",\"quantity\":\"" + "1".repeat(4096) + "\"}";
    assertError(send(HttpMethod.POST, "/api/v1/echo", "application/json", big), 413, "ERR_VAL_005");
  }

  @Test
  void unexpectedExceptionIs500WithoutInternals() {
    HttpResponse<Buffer> response = send(HttpMethod.GET, "/api/v1/boom", null, null);
    assertError(response, 500, "ERR_INTERNAL_001");
    assertThat(response.bodyAsString()).doesNotContain("secret internal detail", "IllegalStateException");
  }

  @Test
  void domainFailureKeepsItsCatalogueCode() {
    assertError(send(HttpMethod.GET, "/api/v1/conflict", null, null), 409, "ERR_CONFLICT_001");
  }

  @Test
  void aHandlerThatNeverAnswersTimesOutWithTheEnvelope() {
    long start = System.nanoTime();
    assertError(send(HttpMethod.GET, "/api/v1/hang", null, null), 503, "ERR_DEP_003");
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(PlatformTestRouter.HANG_TIMEOUT_MS - 100, 10_000L);
  }

  @Test
  void eventBusWithoutConsumerIsADependencyFailure() {
    assertError(send(HttpMethod.GET, "/api/v1/relay-nobody", null, null), 503, "ERR_DEP_001");
  }
}

package io.bourse.venue;

import static io.bourse.venue.VenueTesting.ACC;
import static io.bourse.venue.VenueTesting.assertError;
import static io.bourse.venue.VenueTesting.await;
import static io.bourse.venue.VenueTesting.http;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The venue's HTTP surface as a raw client sees it: bad input gets a 4xx JSON error with a stable code, never a 5xx. */
@ExtendWith(VertxExtension.class)
class PaperVenueHttpTest {
  @TempDir
  Path dataDir;

  private Vertx vertx;
  private RunningVenue running;
  private String url;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    running = await(PaperVenue.startInProcess(vertx, VenueConfig.defaults(), dataDir));
    url = running.url();
  }

  @AfterEach
  void stop() {
    await(running.close());
  }

  private HttpResponse<Buffer> post(String body) {
    return http(vertx, url, HttpMethod.POST, "/orders", body);
  }

  private static String order(String quantity) {
    return "{\"accountId\":\"acc-1\",\"clientOrderId\":\"c1\",\"symbol\":\"BTC-USD\",\"side\":\"BUY\","
        + "\"type\":\"LIMIT\",\"quantity\":" + quantity + ",\"price\":\"10\",\"timeInForce\":\"GTC\"}";
  }

  @Test
  void submitAnswers201ThenTheSameOrderWith200() {
    HttpResponse<Buffer> created = post(order("\"1.50\""));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject body = created.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("NEW");
    assertThat(body.getString("quantity")).isEqualTo("1.50");
    assertThat(body.getValue("filledQuantity")).isEqualTo("0");
    HttpResponse<Buffer> repeat = post(order("\"1.50\""));
    assertThat(repeat.statusCode()).isEqualTo(200);
    assertThat(repeat.bodyAsJsonObject().getString("venueOrderId")).isEqualTo(body.getString("venueOrderId"));
    assertThat(http(vertx, url, HttpMethod.GET, "/health", null).bodyAsJsonObject().getLong("orders")).isEqualTo(1);
  }

  @Test
  void badRequestsGetAJsonErrorWithAStableCodeAndChangeNothing() {
    assertError(post("{not json"), ErrorCode.VAL_MALFORMED_JSON);
    assertError(post(""), ErrorCode.VAL_MALFORMED_JSON);
    assertError(post("[1,2]"), ErrorCode.VAL_MALFORMED_JSON);
    JsonObject number = assertError(post(order("1.5")), ErrorCode.VAL_SCHEMA);
    assertThat(number.getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo("quantity");
    assertError(post(order("\"-1\"")), ErrorCode.VAL_SCHEMA);
    assertError(post(order("\"abc\"")), ErrorCode.VAL_SCHEMA);
    assertError(post(order("\"1\"").replace("\"GTC\"", "\"DAY\"")), ErrorCode.VAL_SCHEMA);
    assertError(post(order("\"1\"").replace("\"price\":\"10\",", "")), ErrorCode.VAL_SCHEMA);
    assertError(post(order("\"1\"").replace("\"LIMIT\"", "\"MARKET\"")), ErrorCode.VAL_SCHEMA);
    assertError(post(order("\"1\"").replace("}", ",\"leverage\":\"100\"}")), ErrorCode.VAL_UNKNOWN_FIELD);
    assertError(post(order("\"1\"").replace("\"c1\"", "\"c 1/../x\"")), ErrorCode.VAL_IDENTIFIER);
    assertError(post("{\"accountId\":\"a\"," + "\"x\":\"" + "y".repeat(70_000) + "\"}"), ErrorCode.VAL_BODY_TOO_LARGE);

    assertError(http(vertx, url, HttpMethod.GET, "/accounts/" + ACC + "/executions?limit=0", null),
        ErrorCode.VAL_PARAMETER);
    assertError(http(vertx, url, HttpMethod.GET, "/accounts/" + ACC + "/executions?after=x", null),
        ErrorCode.VAL_PARAMETER);
    assertError(http(vertx, url, HttpMethod.GET, "/accounts/" + ACC + "/orders?open=maybe", null),
        ErrorCode.VAL_PARAMETER);
    assertError(http(vertx, url, HttpMethod.GET, "/accounts/" + ACC + "/orders/c1", null),
        ErrorCode.NOT_FOUND_RESOURCE);
    assertError(http(vertx, url, HttpMethod.DELETE, "/accounts/" + ACC + "/orders/c1", null),
        ErrorCode.NOT_FOUND_RESOURCE);
    assertError(http(vertx, url, HttpMethod.GET, "/nowhere", null), ErrorCode.NOT_FOUND_ROUTE);
    assertError(http(vertx, url, HttpMethod.GET, "/accounts/%ZZ/orders/x", null), ErrorCode.VAL_PARAMETER);
    assertError(http(vertx, url, HttpMethod.GET, "/accounts/" + "a".repeat(65), null), ErrorCode.VAL_IDENTIFIER);
    assertError(http(vertx, url, HttpMethod.PUT, "/orders", "{}"), ErrorCode.VAL_METHOD_NOT_ALLOWED);
    assertError(http(vertx, url, HttpMethod.POST, "/prices", "{\"symbol\":\"BTC-USD\",\"price\":1}"),
        ErrorCode.VAL_SCHEMA);

    assertThat(http(vertx, url, HttpMethod.GET, "/accounts/" + ACC + "/orders", null).bodyAsJsonObject()
        .getJsonArray("items")).isEmpty();
    JsonObject health = http(vertx, url, HttpMethod.GET, "/health", null).bodyAsJsonObject();
    assertThat(health.getString("status")).isEqualTo("healthy");
    assertThat(health.getLong("orders")).isZero();
  }

  @Test
  void theStreamAnswersABadMessageWithAnErrorAndKeepsGoing() throws Exception {
    WebSocket ws = await(vertx.createWebSocketClient().connect(running.server().actualPort(), "127.0.0.1", "/stream"));
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    ws.textMessageHandler(text -> reply.complete(new JsonObject(text)));
    ws.writeTextMessage("{\"type\":\"price\",\"symbol\":\"BTC-USD\",\"price\":12.5}");
    JsonObject error = reply.get(10, TimeUnit.SECONDS);
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getJsonObject("error").getString("code")).isEqualTo(ErrorCode.VAL_SCHEMA.code());
    assertThat(ws.isClosed()).isFalse();
    await(ws.close());
  }
}

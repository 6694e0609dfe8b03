package io.bourse.trading;

import static io.bourse.trading.TradingTestKit.limit;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kill switch against orders whose fate is still open when it flips: the venue answers slowly (latencyMs), so a
 * HALT lands while a submit is in flight. The order must not keep working once the venue has it.
 */
class HaltRacesTest {
  private static TestApp app;
  private static TradingTestKit kit;
  private static Api api;
  private static String operator;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 100)))
        .put("venue", new JsonObject().put("latencyMs", 800))
        .put("trading", new JsonObject().put("demoStrategy", false).put("reconciliation",
            new JsonObject().put("onStart", false).put("intervalMs", 0))));
    kit = new TradingTestKit(app);
    api = kit.api;
    operator = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static HttpResponse<Buffer> control(JsonObject body) {
    return api.request(HttpMethod.PUT, "/api/v1/trading/control", operator).sendJsonObject(body).await();
  }

  @Test
  void anOrderWhoseSubmitIsInFlightWhenItsAccountIsHaltedIsCanceledOnceTheVenueHasIt() throws Exception {
    String trader = kit.newTrader(operator, "trader");
    String accountId = TradingTestKit.accountOf(trader, api);
    BigDecimal low = kit.priceAt(trader, "BTC-USD", "0.97", new BigDecimal("0.01"));
    Future<HttpResponse<Buffer>> placing = api.request(HttpMethod.POST, "/api/v1/orders", trader)
        .putHeader("Idempotency-Key", UUID.randomUUID().toString()).sendJsonObject(limit("BTC-USD", "BUY", "0.01", low));
    // The order is durable (PENDING_NEW) and its submit waits out the venue's latency: halt now.
    JsonObject pending = kit.await(() -> api.get("/api/v1/orders?limit=1", trader),
        r -> r.bodyAsJsonObject().getJsonArray("items").size() == 1, Duration.ofSeconds(10)).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
    assertThat(pending.getString("status")).isEqualTo("PENDING_NEW");
    assertThat(control(new JsonObject().put("accountId", accountId).put("state", "HALTED")).statusCode()).isEqualTo(200);
    try {
      HttpResponse<Buffer> placed = placing.await(20, TimeUnit.SECONDS);
      assertThat(placed.statusCode()).as(placed.bodyAsString()).isEqualTo(201);
      String orderId = placed.bodyAsJsonObject().getString("id");
      kit.await(() -> api.get("/api/v1/orders/" + orderId, trader),
          r -> "CANCELED".equals(r.bodyAsJsonObject().getString("status")), Duration.ofSeconds(20));
      JsonArray history = api.get("/api/v1/orders/" + orderId + "/history", trader).bodyAsJsonObject().getJsonArray("items");
      assertThat(history.stream().map(e -> ((JsonObject) e).getString("to")))
          .containsSubsequence("PENDING_NEW", "NEW", "PENDING_CANCEL", "CANCELED");
      assertThat(history.stream().map(e -> (JsonObject) e))
          .anySatisfy(e -> assertThat(e.getString("reason")).contains("HALTED"));
    } finally {
      control(new JsonObject().put("accountId", accountId).put("state", "ACTIVE"));
    }
  }
}

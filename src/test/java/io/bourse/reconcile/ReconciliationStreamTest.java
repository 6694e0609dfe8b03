package io.bourse.reconcile;

import static io.bourse.reconcile.ReconcileRuns.await;
import static io.bourse.reconcile.ReconcileRuns.discrepancies;
import static io.bourse.reconcile.ReconcileRuns.reconcile;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation with the venue's stream delivering: executions the shard applied to its open orders are not read
 * back from the store (that made a run's cost grow with everything traded since the previous one), but an execution
 * that arrived on the stream for an order not open here is still found by the next ordinary run.
 */
class ReconciliationStreamTest {

  @Test
  void aFillOfAnOrderNeverPlacedHereThatCameOnTheStreamIsFoundByAnIncrementalRun() throws Exception {
    try (TestApp app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 50)))
        .put("trading", new JsonObject().put("demoStrategy", false).put("reconciliation",
            new JsonObject().put("onStart", false).put("intervalMs", 0).put("afterReconnect", false))))) {
      Api api = new Api(app);
      String admin = api.adminToken();
      WebClient venueHttp = WebClient.create(app.vertx);
      String tenant = api.post("/api/v1/admin/tenants", admin, new JsonObject().put("name", "stream-" + UUID.randomUUID()))
          .bodyAsJsonObject().getString("id");
      String email = "stream-" + UUID.randomUUID() + "@bourse.test";
      api.createUser(admin, email, "a-long-enough-password", tenant, "trader");
      String token = api.tokens(email, "a-long-enough-password").getString("accessToken");
      String accountId = api.get("/api/v1/accounts", token).bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
          .getString("id");
      BigDecimal last = new BigDecimal(await(() -> api.get("/api/v1/market/tickers/BTC-USD", token),
          r -> r.statusCode() == 200).bodyAsJsonObject().getString("price"));

      List<String> placedHere = new ArrayList<>();
      for (int i = 0; i < 5; i++) placedHere.add(filledMarketOrder(api, token));
      // Marketable at the venue: it fills there at once, so only its executions tell of it (no open order does).
      String direct = "manual-" + UUID.randomUUID().toString().substring(0, 8);
      BigDecimal high = last.multiply(new BigDecimal("1.05")).setScale(2, RoundingMode.UP);
      HttpResponse<Buffer> atVenue = venueHttp.postAbs(app.app.venueUrl() + "/orders").sendJsonObject(new JsonObject()
          .put("accountId", accountId).put("clientOrderId", direct).put("symbol", "BTC-USD").put("side", "BUY")
          .put("type", "LIMIT").put("quantity", "0.01").put("price", high.toPlainString()).put("timeInForce", "IOC")).await();
      assertThat(atVenue.statusCode()).as(atVenue.bodyAsString()).isEqualTo(201);
      // The stream is ordered: once a later order of ours is filled here, the direct order's executions were applied.
      placedHere.add(filledMarketOrder(api, token));

      JsonObject run = reconcile(api, admin, accountId);
      List<JsonObject> found = discrepancies(run);
      assertThat(found).as(run.encodePrettily()).anySatisfy(d -> {
        assertThat(d.getString("type")).isEqualTo("UNKNOWN_VENUE_ORDER");
        assertThat(d.getString("orderId")).isEqualTo(direct);
        assertThat(d.getBoolean("repaired")).isFalse();
      });
      assertThat(found).as("the orders placed here are in order").noneSatisfy(d ->
          assertThat(placedHere).contains(d.getString("orderId")));
      JsonObject result = run.getJsonArray("results").getJsonObject(0);
      assertThat(result.getInteger("executionsChecked")).as("every execution since the cursor was looked at")
          .isGreaterThanOrEqualTo(2 * placedHere.size() + 1);

      // The run covered it: the next one starts after it and finds nothing new of that order.
      JsonObject again = reconcile(api, admin, accountId);
      assertThat(discrepancies(again)).noneSatisfy(d -> assertThat(d.getString("orderId")).isEqualTo(direct));
    }
  }

  private static String filledMarketOrder(Api api, String token) throws InterruptedException {
    HttpResponse<Buffer> placed = api.request(HttpMethod.POST, "/api/v1/orders", token)
        .putHeader("Idempotency-Key", UUID.randomUUID().toString())
        .sendJsonObject(new JsonObject().put("symbol", "BTC-USD").put("side", "BUY").put("type", "MARKET")
            .put("quantity", "0.001")).await();
    assertThat(placed.statusCode()).as(placed.bodyAsString()).isEqualTo(201);
    String id = placed.bodyAsJsonObject().getString("id");
    await(() -> api.get("/api/v1/orders/" + id, token), r -> "FILLED".equals(r.bodyAsJsonObject().getString("status")));
    return id;
  }
}

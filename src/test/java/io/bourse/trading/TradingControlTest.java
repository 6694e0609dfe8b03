package io.bourse.trading;

import static io.bourse.trading.TradingTestKit.code;
import static io.bourse.trading.TradingTestKit.limit;
import static io.bourse.trading.TradingTestKit.market;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The kill switch on the running service: who may flip it, what HALTED and REDUCING do to working and new orders,
 * and that the state (and every account) survives a restart on the same data directory.
 */
class TradingControlTest {

  private static JsonObject config(String dataDir) {
    JsonObject overrides = Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 200)))
        .put("trading", new JsonObject().put("demoStrategy", false));
    return dataDir == null ? overrides : overrides.put("dataDir", dataDir);
  }

  private static HttpResponse<Buffer> putControl(Api api, String token, JsonObject body) {
    return api.request(HttpMethod.PUT, "/api/v1/trading/control", token).sendJsonObject(body).await();
  }

  @Test
  void haltCancelsWorkingOrdersReducingAllowsOnlyReductionsAndBothSurviveARestart() throws Exception {
    String dataDir;
    String trader;
    String orderId;
    String accountId;
    String available;
    TestApp app = TestApp.start(config(null));
    try {
      TradingTestKit kit = new TradingTestKit(app);
      Api api = kit.api;
      dataDir = app.dataDir.toString();
      String operator = api.adminToken();
      trader = kit.newTrader(operator, "trader");
      String tenantAdmin = kit.newTrader(operator, "admin");
      accountId = TradingTestKit.accountOf(trader, api);

      HttpResponse<Buffer> byTrader = putControl(api, trader, new JsonObject().put("state", "HALTED"));
      assertThat(byTrader.statusCode()).isEqualTo(403);
      assertThat(code(byTrader)).isEqualTo("ERR_AUTH_004");
      assertThat(putControl(api, tenantAdmin, new JsonObject().put("state", "HALTED")).statusCode()).isEqualTo(403);
      assertThat(code(putControl(api, operator, new JsonObject().put("state", "PAUSED")))).isEqualTo("ERR_VAL_002");
      assertThat(code(putControl(api, operator, new JsonObject().put("state", "HALTED").put("extra", 1))))
          .isEqualTo("ERR_VAL_003");
      assertThat(api.get("/api/v1/trading/control", trader).bodyAsJsonObject().getString("state")).isEqualTo("ACTIVE");

      JsonObject bought = kit.placed(trader, market("BTC-USD", "BUY", "0.02"));
      kit.awaitOrderStatus(trader, bought.getString("id"), "FILLED");
      JsonObject resting = kit.placed(trader, limit("BTC-USD", "BUY", "0.01",
          kit.priceAt(trader, "BTC-USD", "0.97", new BigDecimal("0.01"))));
      orderId = resting.getString("id");

      List<JsonObject> operatorEvents = new CopyOnWriteArrayList<>();
      MessageConsumer<JsonObject> watch = app.vertx.eventBus().consumer(Addresses.ADMIN_CONTROL, m -> operatorEvents.add(m.body()));
      HttpResponse<Buffer> halted = putControl(api, operator, new JsonObject().put("state", "HALTED").put("reason", "drill"));
      assertThat(halted.statusCode()).as(halted.bodyAsString()).isEqualTo(200);
      assertThat(halted.bodyAsJsonObject().getBoolean("globalTradingEnabled")).isFalse();
      kit.awaitOrderStatus(trader, orderId, "CANCELED");
      HttpResponse<Buffer> refused = kit.place(trader, UUID.randomUUID().toString(), market("BTC-USD", "SELL", "0.01"));
      assertThat(code(refused)).as(refused.bodyAsString()).isEqualTo("ERR_ORD_001");
      kit.await(() -> api.get("/api/v1/trading/control", trader), r -> !operatorEvents.isEmpty(), java.time.Duration.ofSeconds(5));
      assertThat(operatorEvents.get(0).getString("state")).isEqualTo("HALTED");
      assertThat(operatorEvents.get(0).getString("reason")).isEqualTo("drill");
      watch.unregister();

      assertThat(putControl(api, operator, new JsonObject().put("state", "REDUCING")).statusCode()).isEqualTo(200);
      assertThat(code(kit.place(trader, UUID.randomUUID().toString(), market("BTC-USD", "BUY", "0.01"))))
          .isEqualTo("ERR_ORD_017");
      JsonObject reduced = kit.placed(trader, market("BTC-USD", "SELL", "0.01"));
      kit.awaitOrderStatus(trader, reduced.getString("id"), "FILLED");
      available = api.get("/api/v1/accounts/" + accountId, trader).bodyAsJsonObject().getString("available");
    } finally {
      app.close();
    }

    TestApp restarted = TestApp.start(config(dataDir));
    try {
      TradingTestKit kit = new TradingTestKit(restarted);
      Api api = kit.api;
      String operator = api.adminToken();
      JsonObject control = api.get("/api/v1/trading/control", operator).bodyAsJsonObject();
      assertThat(control.getString("state")).isEqualTo("REDUCING");
      // The trader's token was signed by the same persisted key, so it still works after the restart.
      JsonObject account = api.get("/api/v1/accounts/" + accountId, trader).bodyAsJsonObject();
      assertThat(account.getString("available")).isEqualTo(available);
      assertThat(api.get("/api/v1/orders/" + orderId, trader).bodyAsJsonObject().getString("status")).isEqualTo("CANCELED");
      JsonObject position = api.get("/api/v1/positions", trader).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
      assertThat(new BigDecimal(position.getString("quantity"))).isEqualByComparingTo("0.01");
      assertThat(code(kit.place(trader, UUID.randomUUID().toString(), market("BTC-USD", "BUY", "0.01"))))
          .isEqualTo("ERR_ORD_017");
      assertThat(putControl(api, operator, new JsonObject().put("state", "ACTIVE")).statusCode()).isEqualTo(200);
      JsonObject again = kit.placed(trader, market("BTC-USD", "BUY", "0.01"));
      kit.awaitOrderStatus(trader, again.getString("id"), "FILLED");
      assertThat(kit.ledgerSums(trader, accountId).get("USD")).isEqualByComparingTo("0");
    } finally {
      restarted.close();
    }
  }
}

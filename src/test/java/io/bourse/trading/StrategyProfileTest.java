package io.bourse.trading;

import static io.bourse.trading.TradingTestKit.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strategy profiles through REST, and strategies trading the simulated market on their own through the same command
 * path as REST orders (risk, ledger, venue). On defaults the bootstrap tenant's demo profile does so out of the box.
 */
class StrategyProfileTest {
  private static TestApp app;
  private static TradingTestKit kit;
  private static Api api;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 400))));
    kit = new TradingTestKit(app);
    api = kit.api;
    admin = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static JsonObject fastCrossover(String symbol) {
    return new JsonObject().put("name", "fast crossover").put("symbol", symbol).put("enabled", true)
        .put("strategy", new JsonObject().put("type", "MA_CROSSOVER").put("average", "EMA").put("fastPeriod", 2)
            .put("slowPeriod", 3))
        .put("sizing", new JsonObject().put("type", "FIXED_QUANTITY").put("quantity", "0.01"));
  }

  private static JsonArray strategyOrders(String token, String profileId) {
    JsonArray all = api.get("/api/v1/orders?limit=200", token).bodyAsJsonObject().getJsonArray("items");
    JsonArray mine = new JsonArray();
    for (int i = 0; i < all.size(); i++) {
      if (profileId.equals(all.getJsonObject(i).getString("profileId"))) mine.add(all.getJsonObject(i));
    }
    return mine;
  }

  @Test
  void anEnabledProfileTradesTheSimulatedMarketThroughTheSameCommandPath() throws Exception {
    String token = kit.newTrader(admin, "trader");
    HttpResponse<Buffer> created = api.post("/api/v1/profiles", token, fastCrossover("ETH-USD"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String profileId = created.bodyAsJsonObject().getString("id");
    assertThat(created.bodyAsJsonObject().getString("version")).isNotBlank();

    kit.await(() -> api.get("/api/v1/orders?limit=200", token), r -> strategyOrders(token, profileId).size() >= 2,
        Duration.ofSeconds(60));
    JsonObject first = strategyOrders(token, profileId).getJsonObject(strategyOrders(token, profileId).size() - 1);
    assertThat(first.getString("side")).isEqualTo("BUY");
    assertThat(first.getString("type")).isEqualTo("MARKET");
    JsonArray history = api.get("/api/v1/orders/" + first.getString("id") + "/history", token).bodyAsJsonObject()
        .getJsonArray("items");
    assertThat(history.getJsonObject(0).getString("source")).isEqualTo("STRATEGY");

    HttpResponse<Buffer> disabled = api.post("/api/v1/profiles/" + profileId + "/disable", token, new JsonObject());
    assertThat(disabled.bodyAsJsonObject().getBoolean("enabled")).isFalse();
    Thread.sleep(500);
    int afterDisable = strategyOrders(token, profileId).size();
    Thread.sleep(3000);
    assertThat(strategyOrders(token, profileId).size()).as("a disabled profile places nothing").isEqualTo(afterDisable);
    String accountId = TradingTestKit.accountOf(token, api);
    assertThat(kit.ledgerSums(token, accountId).get("USD")).isEqualByComparingTo("0");
  }

  @Test
  void aRefusedLevelTriggeredProfileIsPausedInsteadOfRetryingEveryTick() throws Exception {
    String token = kit.newTrader(admin, "trader");
    String tenantId = api.get("/api/v1/me", token).bodyAsJsonObject().getString("tenantId");
    // RSI at or below 99.9 is "oversold" almost always: this rule wants to enter on nearly every tick.
    JsonObject eager = fastCrossover("SOL-USD").put("enabled", false).put("strategy", new JsonObject()
        .put("type", "RSI").put("period", 2).put("oversold", 99.9).put("overbought", 100));
    String id = api.post("/api/v1/profiles", token, eager).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> halted = api.request(HttpMethod.PUT, "/api/v1/trading/control", token)
        .sendJsonObject(new JsonObject().put("state", "HALTED").put("profileId", id)).await();
    assertThat(halted.statusCode()).isEqualTo(200);
    java.util.List<JsonObject> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
    var consumer = app.vertx.eventBus().<JsonObject>consumer(io.bourse.common.Addresses.trading(tenantId, "alerts"),
        m -> alerts.add(m.body()));
    api.post("/api/v1/profiles/" + id + "/enable", token, new JsonObject());
    kit.await(() -> api.get("/api/v1/profiles/" + id, token), r -> !alerts.isEmpty(), Duration.ofSeconds(20));
    Thread.sleep(3000);
    consumer.unregister();
    // At ~57 SOL ticks a second, a retry per tick would have raised well over a hundred alerts by now.
    assertThat(alerts).hasSizeLessThanOrEqualTo(2);
    assertThat(alerts.get(0).getString("kind")).isEqualTo("strategy_order_refused");
    assertThat(alerts.get(0).getString("profileId")).isEqualTo(id);
    // Numbered like every trading event of the account, and durable: a snapshot taken now is at or past it.
    String accountId = TradingTestKit.accountOf(token, api);
    assertThat(alerts.get(0).getString("accountId")).isEqualTo(accountId);
    assertThat(alerts.get(0).getLong("sequence")).isPositive();
    assertThat(api.get("/api/v1/accounts/" + accountId + "/snapshot", token).bodyAsJsonObject().getLong("sequence"))
        .isGreaterThanOrEqualTo(alerts.get(alerts.size() - 1).getLong("sequence"));
    assertThat(strategyOrders(token, id)).isEmpty();
  }

  @Test
  void theDemoStrategyOfTheBootstrapTenantTradesOnItsOwn() throws Exception {
    JsonObject demo = api.get("/api/v1/profiles/" + DemoStrategy.PROFILE_ID, admin).bodyAsJsonObject();
    assertThat(demo.getBoolean("enabled")).isTrue();
    assertThat(demo.getString("symbol")).isEqualTo("BTC-USD");
    // An EMA 5/20 crossover on a 400 ticks/s simulated feed crosses within seconds.
    kit.await(() -> api.get("/api/v1/orders?limit=200", admin),
        r -> strategyOrders(admin, DemoStrategy.PROFILE_ID).stream().map(o -> (JsonObject) o)
            .anyMatch(o -> "FILLED".equals(o.getString("status"))), Duration.ofSeconds(90));
    // Its trades are the account's: a fill, a position (or a round trip's realized PnL), a ledger summing to zero.
    String accountId = TradingTestKit.accountOf(admin, api);
    JsonObject order = strategyOrders(admin, DemoStrategy.PROFILE_ID).stream().map(o -> (JsonObject) o)
        .filter(o -> "FILLED".equals(o.getString("status"))).findFirst().orElseThrow();
    assertThat(api.get("/api/v1/fills?orderId=" + order.getString("id"), admin).bodyAsJsonObject().getJsonArray("items"))
        .isNotEmpty();
    assertThat(api.get("/api/v1/orders/" + order.getString("id") + "/history", admin).bodyAsJsonObject()
        .getJsonArray("items").stream().map(e -> ((JsonObject) e).getString("source"))).contains("STRATEGY");
    assertThat(kit.ledgerSums(admin, accountId).get("USD")).isEqualByComparingTo("0");
  }

  @Test
  void aProfilesKillSwitchStateIsVisibleOnlyToItsTenantAndOperators() {
    String owner = kit.newTrader(admin, "trader");
    String other = kit.newTrader(admin, "trader");
    String id = api.post("/api/v1/profiles", owner, fastCrossover("SOL-USD").put("enabled", false)).bodyAsJsonObject()
        .getString("id");
    HttpResponse<Buffer> halted = api.request(io.vertx.core.http.HttpMethod.PUT, "/api/v1/trading/control", owner)
        .sendJsonObject(new JsonObject().put("state", "HALTED").put("profileId", id)).await();
    assertThat(halted.statusCode()).as(halted.bodyAsString()).isEqualTo(200);
    assertThat(halted.bodyAsJsonObject().getJsonObject("profiles").getString(id)).isEqualTo("HALTED");
    assertThat(api.get("/api/v1/trading/control", owner).bodyAsJsonObject().getJsonObject("profiles").getString(id))
        .isEqualTo("HALTED");
    assertThat(api.get("/api/v1/trading/control", other).bodyAsJsonObject().getJsonObject("profiles").containsKey(id))
        .as("another tenant does not learn the profile id").isFalse();
    assertThat(api.get("/api/v1/trading/control", admin).bodyAsJsonObject().getJsonObject("profiles").getString(id))
        .as("operators see every profile").isEqualTo("HALTED");
    HttpResponse<Buffer> foreign = api.request(io.vertx.core.http.HttpMethod.PUT, "/api/v1/trading/control", other)
        .sendJsonObject(new JsonObject().put("state", "ACTIVE").put("profileId", id)).await();
    assertThat(foreign.statusCode()).as("nor can it change it").isEqualTo(404);
  }

  @Test
  void profilesAreValidatedVersionedAndConfinedToTheirTenant() {
    String token = kit.newTrader(admin, "trader");
    String stranger = kit.newTrader(admin, "trader");
    JsonObject body = fastCrossover("BTC-USD").put("enabled", false);

    assertThat(code(api.post("/api/v1/profiles", token, body.copy().put("symbol", "NOPE-USD")))).isEqualTo("ERR_NOT_FOUND_003");
    HttpResponse<Buffer> periods = api.post("/api/v1/profiles", token, body.copy().put("strategy",
        new JsonObject().put("type", "MA_CROSSOVER").put("fastPeriod", 9).put("slowPeriod", 3)));
    assertThat(periods.statusCode()).isEqualTo(400);
    assertThat(code(periods)).isEqualTo("ERR_VAL_002");
    assertThat(code(api.post("/api/v1/profiles", token, body.copy().put("leverage", 5)))).isEqualTo("ERR_VAL_003");
    assertThat(code(api.post("/api/v1/profiles", token, body.copy().put("sizing",
        new JsonObject().put("type", "FIXED_QUANTITY").put("quantity", "-1"))))).isEqualTo("ERR_VAL_002");
    assertThat(code(api.post("/api/v1/profiles", token, body.copy().put("accountId", "PA-someone-else"))))
        .isEqualTo("ERR_NOT_FOUND_002");
    assertThat(api.get("/api/v1/profiles", token).bodyAsJsonObject().getJsonArray("items")).isEmpty();

    JsonObject created = api.post("/api/v1/profiles", token, body).bodyAsJsonObject();
    String id = created.getString("id");
    assertThat(api.get("/api/v1/profiles/" + id, stranger).statusCode()).isEqualTo(404);
    assertThat(api.request(HttpMethod.DELETE, "/api/v1/profiles/" + id, stranger).send().await().statusCode()).isEqualTo(404);
    HttpResponse<Buffer> strangerHalt = api.request(HttpMethod.PUT, "/api/v1/trading/control", stranger)
        .sendJsonObject(new JsonObject().put("state", "HALTED").put("profileId", id)).await();
    assertThat(strangerHalt.statusCode()).isEqualTo(404);

    HttpResponse<Buffer> halted = api.request(HttpMethod.PUT, "/api/v1/trading/control", token)
        .sendJsonObject(new JsonObject().put("state", "HALTED").put("profileId", id)).await();
    assertThat(halted.statusCode()).as(halted.bodyAsString()).isEqualTo(200);
    assertThat(halted.bodyAsJsonObject().getJsonObject("profiles").getString(id)).isEqualTo("HALTED");
    assertThat(halted.bodyAsJsonObject().getString("state")).isEqualTo("ACTIVE");

    HttpResponse<Buffer> updated = api.request(HttpMethod.PUT, "/api/v1/profiles/" + id, token)
        .putHeader("If-Match", created.getString("version")).sendJsonObject(body.copy().put("name", "renamed")).await();
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getString("name")).isEqualTo("renamed");
    HttpResponse<Buffer> stale = api.request(HttpMethod.PUT, "/api/v1/profiles/" + id, token)
        .putHeader("If-Match", created.getString("version")).sendJsonObject(body.copy().put("name", "lost")).await();
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(code(stale)).isEqualTo("ERR_CONFLICT_003");

    String viewer = kit.newTrader(admin, "viewer");
    assertThat(api.post("/api/v1/profiles", viewer, body).statusCode()).isEqualTo(403);

    assertThat(api.request(HttpMethod.DELETE, "/api/v1/profiles/" + id, token).send().await().statusCode()).isEqualTo(204);
    assertThat(api.get("/api/v1/profiles/" + id, token).statusCode()).isEqualTo(404);
  }
}

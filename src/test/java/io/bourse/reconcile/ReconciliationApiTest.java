package io.bourse.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation on the running service with the in-process paper venue. The venue drops every stream message, so
 * fills reach Bourse only through reconciliation (a real MISSING_FILL); operators act on the venue directly (a manual
 * cancel, an order Bourse never placed) and reconciliation must notice.
 */
class ReconciliationApiTest {
  private static TestApp app;
  private static Api api;
  private static String admin;
  private static WebClient venueHttp;
  private static final List<JsonObject> adminEvents = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 50)))
        .put("venue", new JsonObject().put("faults", new JsonObject().put("dropStreamProbability", 1.0)))
        .put("trading", new JsonObject().put("demoStrategy", false).put("reconciliation",
            new JsonObject().put("onStart", false).put("intervalMs", 0).put("afterReconnect", false))));
    api = new Api(app);
    admin = api.adminToken();
    venueHttp = WebClient.create(app.vertx);
    app.vertx.eventBus().<JsonObject>consumer(io.bourse.common.Addresses.ADMIN_RECONCILIATION, m -> adminEvents.add(m.body()));
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static String trader() {
    HttpResponse<Buffer> tenant = api.post("/api/v1/admin/tenants", admin, new JsonObject().put("name", "t-" + UUID.randomUUID()));
    String tenantId = tenant.bodyAsJsonObject().getString("id");
    String email = "trader-" + UUID.randomUUID() + "@bourse.test";
    api.createUser(admin, email, "a-long-enough-password", tenantId, "trader");
    return api.tokens(email, "a-long-enough-password").getString("accessToken");
  }

  private static HttpResponse<Buffer> place(String token, JsonObject order) {
    return api.request(HttpMethod.POST, "/api/v1/orders", token).putHeader("Idempotency-Key", UUID.randomUUID().toString())
        .sendJsonObject(order).await();
  }

  private static HttpResponse<Buffer> await(Supplier<HttpResponse<Buffer>> call, Predicate<HttpResponse<Buffer>> done)
      throws InterruptedException {
    return ReconcileRuns.await(call, done);
  }

  private static JsonObject reconcile(String accountId) throws InterruptedException {
    return ReconcileRuns.reconcile(api, admin, accountId);
  }

  private static List<JsonObject> discrepancies(JsonObject run) {
    return ReconcileRuns.discrepancies(run);
  }

  private static String accountOf(String token) {
    return api.get("/api/v1/accounts", token).bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id");
  }

  private static BigDecimal lastPrice(String token) throws InterruptedException {
    return new BigDecimal(await(() -> api.get("/api/v1/market/tickers/BTC-USD", token), r -> r.statusCode() == 200)
        .bodyAsJsonObject().getString("price"));
  }

  private static JsonObject venueOrder(String accountId, String clientOrderId, BigDecimal price) {
    return new JsonObject().put("accountId", accountId).put("clientOrderId", clientOrderId).put("symbol", "BTC-USD")
        .put("side", "BUY").put("type", "LIMIT").put("quantity", "0.01").put("price", price.toPlainString())
        .put("timeInForce", "GTC");
  }

  @Test
  void aFillTheStreamLostIsAppliedOnceWithSourceReconciliationAndAVenueCancelIsAdopted() throws Exception {
    String token = trader();
    String accountId = accountOf(token);
    BigDecimal last = lastPrice(token);
    HttpResponse<Buffer> placed = place(token, new JsonObject().put("symbol", "BTC-USD").put("side", "BUY")
        .put("type", "MARKET").put("quantity", "0.01"));
    assertThat(placed.statusCode()).as(placed.bodyAsString()).isEqualTo(201);
    String orderId = placed.bodyAsJsonObject().getString("id");
    assertThat(placed.bodyAsJsonObject().getString("status")).as("the fill never came on the stream").isEqualTo("NEW");

    BigDecimal low = last.multiply(new BigDecimal("0.97")).setScale(2, java.math.RoundingMode.DOWN);
    HttpResponse<Buffer> resting = place(token, new JsonObject().put("symbol", "BTC-USD").put("side", "BUY")
        .put("type", "LIMIT").put("quantity", "0.01").put("price", low.toPlainString()));
    assertThat(resting.statusCode()).as(resting.bodyAsString()).isEqualTo(201);
    String restingId = resting.bodyAsJsonObject().getString("id");
    // An operator cancels it at the venue directly.
    HttpResponse<Buffer> canceled = venueHttp.requestAbs(HttpMethod.DELETE, app.app.venueUrl() + "/accounts/" + accountId
        + "/orders/" + resting.bodyAsJsonObject().getString("clientOrderId")).send().await();
    assertThat(canceled.statusCode()).as(canceled.bodyAsString()).isEqualTo(200);

    JsonObject run = reconcile(accountId);
    assertThat(run.getString("status")).as(run.encodePrettily()).isEqualTo("REPAIRED");
    List<JsonObject> found = discrepancies(run);
    assertThat(found).anySatisfy(d -> {
      assertThat(d.getString("type")).isEqualTo("MISSING_FILL");
      assertThat(d.getString("orderId")).isEqualTo(orderId);
      assertThat(d.getBoolean("repaired")).isTrue();
    });
    assertThat(found).anySatisfy(d -> {
      assertThat(d.getString("type")).isEqualTo("STATUS_MISMATCH");
      assertThat(d.getString("orderId")).isEqualTo(restingId);
      assertThat(d.getBoolean("repaired")).isTrue();
    });
    assertThat(found).allSatisfy(d -> assertThat(d.getBoolean("repaired")).isTrue());

    assertThat(api.get("/api/v1/orders/" + orderId, token).bodyAsJsonObject().getString("status")).isEqualTo("FILLED");
    assertThat(api.get("/api/v1/orders/" + restingId, token).bodyAsJsonObject().getString("status")).isEqualTo("CANCELED");
    JsonArray history = api.get("/api/v1/orders/" + orderId + "/history", token).bodyAsJsonObject().getJsonArray("items");
    assertThat(history.stream().map(e -> (JsonObject) e))
        .anySatisfy(e -> {
          assertThat(e.getString("to")).isEqualTo("FILLED");
          assertThat(e.getString("source")).isEqualTo("RECONCILIATION");
          assertThat(e.getString("executionId")).isNotNull();
          assertThat(e.getString("requestId")).as("the run that applied it").isEqualTo(run.getString("id"));
        });
    JsonArray restingHistory = api.get("/api/v1/orders/" + restingId + "/history", token).bodyAsJsonObject().getJsonArray("items");
    assertThat(restingHistory.stream().map(e -> (JsonObject) e))
        .anySatisfy(e -> assertThat(e.getString("source") + " " + e.getString("to")).isEqualTo("RECONCILIATION CANCELED"));

    // Exactly once: a second run finds nothing, and the position is the venue's.
    JsonObject again = reconcile(accountId);
    assertThat(again.getString("status")).as(again.encodePrettily()).isEqualTo("CLEAN");
    JsonArray fills = api.get("/api/v1/fills?limit=200", token).bodyAsJsonObject().getJsonArray("items");
    assertThat(fills).hasSize(1);
    JsonObject venueAccount = venueHttp.getAbs(app.app.venueUrl() + "/accounts/" + accountId).send().await().bodyAsJsonObject();
    assertThat(new BigDecimal(venueAccount.getJsonObject("positions").getString("BTC-USD"))).isEqualByComparingTo("0.01");

    assertThat(adminEvents).anySatisfy(e -> assertThat(e.getString("type")).isEqualTo("run.started"));
    assertThat(adminEvents).anySatisfy(e -> assertThat(e.getString("type")).isEqualTo("discrepancy.repaired"));
    assertThat(adminEvents).anySatisfy(e -> assertThat(e.getString("type")).isEqualTo("run.finished"));
    assertThat(app.metrics.registry().scrape()).contains("bourse_reconciliation_discrepancies_total{repaired=\"true\",type=\"MISSING_FILL\"}")
        .contains("bourse_reconciliation_runs_total").contains("bourse_reconciliation_duration_seconds");
  }

  @Test
  void anOrderPlacedAtTheVenueDirectlyNeedsAttentionAndPutsTheAccountInReducingUntilAnOperatorClearsIt() throws Exception {
    String token = trader();
    String accountId = accountOf(token);
    BigDecimal last = lastPrice(token);
    BigDecimal low = last.multiply(new BigDecimal("0.97")).setScale(2, java.math.RoundingMode.DOWN);
    HttpResponse<Buffer> direct = venueHttp.postAbs(app.app.venueUrl() + "/orders")
        .sendJsonObject(venueOrder(accountId, "manual-" + UUID.randomUUID().toString().substring(0, 8), low)).await();
    assertThat(direct.statusCode()).as(direct.bodyAsString()).isEqualTo(201);

    JsonObject run = reconcile(accountId);
    assertThat(run.getString("status")).as(run.encodePrettily()).isEqualTo("NEEDS_ATTENTION");
    assertThat(discrepancies(run)).anySatisfy(d -> {
      assertThat(d.getString("type")).isEqualTo("UNKNOWN_VENUE_ORDER");
      assertThat(d.getBoolean("repaired")).isFalse();
    });
    assertThat(adminEvents).anySatisfy(e -> {
      assertThat(e.getString("type")).isEqualTo("needs.attention");
      assertThat(e.getString("accountId")).isEqualTo(accountId);
    });
    JsonObject control = api.get("/api/v1/trading/control", admin).bodyAsJsonObject();
    assertThat(control.getJsonObject("accounts").getString(accountId)).isEqualTo("REDUCING");
    assertThat(api.get("/api/v1/trading/control", token).bodyAsJsonObject().getJsonObject("accounts").getMap())
        .as("a trader sees its own account's state").containsOnlyKeys(accountId);
    assertThat(api.get("/api/v1/trading/control", trader()).bodyAsJsonObject().getJsonObject("accounts").getMap())
        .as("and no other tenant's").isEmpty();

    JsonObject buy = new JsonObject().put("symbol", "BTC-USD").put("side", "BUY").put("type", "LIMIT")
        .put("quantity", "0.01").put("price", low.toPlainString());
    HttpResponse<Buffer> refused = await(() -> place(token, buy), r -> r.statusCode() == 422);
    assertThat(Api.errorCode(refused)).isEqualTo("ERR_ORD_017");

    // Only an operator clears it.
    HttpResponse<Buffer> byTrader = api.request(HttpMethod.PUT, "/api/v1/trading/control", token)
        .sendJsonObject(new JsonObject().put("state", "ACTIVE").put("accountId", accountId)).await();
    assertThat(byTrader.statusCode()).isEqualTo(403);
    HttpResponse<Buffer> cleared = api.request(HttpMethod.PUT, "/api/v1/trading/control", admin)
        .sendJsonObject(new JsonObject().put("state", "ACTIVE").put("accountId", accountId).put("reason", "manual order adopted"))
        .await();
    assertThat(cleared.statusCode()).as(cleared.bodyAsString()).isEqualTo(200);
    assertThat(cleared.bodyAsJsonObject().getJsonObject("accounts").containsKey(accountId)).isFalse();
    String working = await(() -> place(token, buy), r -> r.statusCode() == 201).bodyAsJsonObject().getString("id");

    // An account's HALTED, like the global one, cancels its working orders.
    HttpResponse<Buffer> halted = api.request(HttpMethod.PUT, "/api/v1/trading/control", admin)
        .sendJsonObject(new JsonObject().put("state", "HALTED").put("accountId", accountId)).await();
    assertThat(halted.bodyAsJsonObject().getJsonObject("accounts").getString(accountId)).isEqualTo("HALTED");
    await(() -> api.get("/api/v1/orders/" + working, token), r -> "CANCELED".equals(r.bodyAsJsonObject().getString("status")));
    assertThat(Api.errorCode(place(token, buy))).isEqualTo("ERR_ORD_001");
    HttpResponse<Buffer> both = api.request(HttpMethod.PUT, "/api/v1/trading/control", admin)
        .sendJsonObject(new JsonObject().put("state", "ACTIVE").put("accountId", accountId).put("profileId", "p")).await();
    assertThat(both.statusCode()).isEqualTo(400);
    api.request(HttpMethod.PUT, "/api/v1/trading/control", admin)
        .sendJsonObject(new JsonObject().put("state", "ACTIVE").put("accountId", accountId)).await();
  }

  @Test
  void aRunWithMoreDiscrepanciesThanItStoresKeepsCountsAndSaysItIsTruncated() throws Exception {
    String token = trader();
    String accountId = accountOf(token);
    BigDecimal low = lastPrice(token).multiply(new BigDecimal("0.9")).setScale(2, java.math.RoundingMode.DOWN);
    int unknown = ReconciliationVerticle.MAX_STORED_PER_ACCOUNT + 20;
    List<io.vertx.core.Future<HttpResponse<Buffer>>> placed = new ArrayList<>();
    for (int i = 0; i < unknown; i++) {
      placed.add(venueHttp.postAbs(app.app.venueUrl() + "/orders").sendJsonObject(venueOrder(accountId, "bulk-" + i, low)));
    }
    io.vertx.core.Future.all(placed).await();
    placed.forEach(f -> assertThat(f.result().statusCode()).isEqualTo(201));

    JsonObject run = reconcile(accountId);
    assertThat(run.getString("status")).isEqualTo("NEEDS_ATTENTION");
    assertThat(run.getBoolean("truncated")).isTrue();
    assertThat(run.getInteger("discrepancyCount")).isGreaterThanOrEqualTo(unknown);
    JsonObject result = run.getJsonArray("results").getJsonObject(0);
    assertThat(result.getJsonArray("discrepancies")).hasSize(ReconciliationVerticle.MAX_STORED_PER_ACCOUNT);
    assertThat(result.getInteger("discrepanciesNotStored")).isEqualTo(run.getInteger("discrepancyCount")
        - ReconciliationVerticle.MAX_STORED_PER_ACCOUNT);
    assertThat(result.getJsonObject("discrepancyCounts").getInteger("UNKNOWN_VENUE_ORDER")).isGreaterThanOrEqualTo(unknown);
    api.request(HttpMethod.PUT, "/api/v1/trading/control", admin)
        .sendJsonObject(new JsonObject().put("state", "ACTIVE").put("accountId", accountId)).await();
  }

  @Test
  void runsAreForOperatorsAndBadInputIsA4xx() throws Exception {
    String token = trader();
    assertThat(api.post("/api/v1/admin/reconciliation/runs", token, new JsonObject()).statusCode()).isEqualTo(403);
    assertThat(api.get("/api/v1/admin/reconciliation/runs", token).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> unknownField = api.post("/api/v1/admin/reconciliation/runs", admin, new JsonObject().put("bogus", 1));
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(Api.errorCode(unknownField)).startsWith("ERR_VAL_");
    HttpResponse<Buffer> noAccount = api.post("/api/v1/admin/reconciliation/runs", admin, new JsonObject().put("accountId", "PA-nope"));
    assertThat(noAccount.statusCode()).isEqualTo(404);
    assertThat(Api.errorCode(noAccount)).isEqualTo("ERR_NOT_FOUND_002");
    assertThat(api.get("/api/v1/admin/reconciliation/runs?cursor=garbage", admin).statusCode()).isEqualTo(400);
    assertThat(api.get("/api/v1/admin/reconciliation/runs?limit=0", admin).statusCode()).isEqualTo(400);
    assertThat(api.get("/api/v1/admin/reconciliation/runs/ffff-0000", admin).statusCode()).isEqualTo(404);
    assertThat(api.get("/api/v1/admin/reconciliation/runs/NOT_VALID!", admin).statusCode()).isEqualTo(400);

    // A whole run over every account, then the list, newest first, with cursors.
    String accountId = accountOf(token);
    reconcile(accountId);
    reconcile(accountId);
    HttpResponse<Buffer> page = api.get("/api/v1/admin/reconciliation/runs?limit=1", admin);
    assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
    JsonObject first = page.bodyAsJsonObject();
    assertThat(first.getJsonArray("items")).hasSize(1);
    HttpResponse<Buffer> next = api.get("/api/v1/admin/reconciliation/runs?limit=1&cursor=" + first.getString("nextCursor"), admin);
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id"))
        .isLessThan(first.getJsonArray("items").getJsonObject(0).getString("id"));
  }
}

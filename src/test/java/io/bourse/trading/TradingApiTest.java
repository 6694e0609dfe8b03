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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trading through REST on the whole running service: simulated market, two shards, the in-process paper venue over
 * HTTP/WebSocket, the embedded store. Each test works in its own tenant (own paper account) so limits do not leak.
 */
class TradingApiTest {
  private static final BigDecimal BTC_TICK = new BigDecimal("0.01");
  private static TestApp app;
  private static TradingTestKit kit;
  private static Api api;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("instrumentsFile", TradingTestKit.instrumentsWithClosedMarket().toString())
            .put("simulated", new JsonObject().put("ticksPerSecond", 200)))
        .put("verticles", new JsonObject().put("trading", new JsonObject().put("instances", 2)))
        .put("trading", new JsonObject().put("demoStrategy", false).put("limits", new JsonObject()
            .put("maxOrderNotional", "50000").put("maxPositionQuantity", "2").put("priceBandFraction", "0.05")
            .put("maxOpenOrders", 5).put("maxOrdersPerMinute", 40).put("dailyLossLimit", "20"))));
    kit = new TradingTestKit(app);
    api = kit.api;
    admin = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static String trader() { return kit.newTrader(admin, "trader"); }

  @Test
  void everyTenantHasAFundedPaperAccountWhoseLedgerSumsToZero() {
    String token = trader();
    HttpResponse<Buffer> r = api.get("/api/v1/accounts", token);
    JsonObject account = r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertThat(account.getString("available")).isEqualTo("100000");
    assertThat(account.getString("reserved")).isEqualTo("0");
    assertThat(account.getString("currency")).isEqualTo("USD");
    assertThat(kit.ledgerSums(token, account.getString("id"))).containsEntry("USD", BigDecimal.ZERO);
  }

  @Test
  void theLedgerPagesEntryByEntryWhateverThePageSize() throws Exception {
    String token = trader();
    String accountId = TradingTestKit.accountOf(token, api);
    JsonObject order = kit.placed(token, market("BTC-USD", "BUY", "0.01"));
    kit.awaitOrderStatus(token, order.getString("id"), "FILLED");
    String path = "/api/v1/accounts/" + accountId + "/ledger";
    JsonObject all = api.get(path + "?limit=200", token).bodyAsJsonObject();
    assertThat(all.containsKey("nextCursor")).isFalse();
    List<Long> numbers = all.getJsonArray("items").stream().map(e -> ((JsonObject) e).getLong("number")).toList();
    // deposit (2 entries), reservation (2), then the fill's release, cash and fee
    assertThat(numbers).hasSizeGreaterThanOrEqualTo(8);
    assertThat(numbers).containsExactlyElementsOf(IntStream.rangeClosed(1, numbers.size()).mapToObj(i -> (long) i).toList());
    assertThat(all.getJsonArray("items").getJsonObject(0).getString("kind")).isEqualTo("DEPOSIT");
    for (int limit : new int[] {1, 2, 3}) {
      List<Long> paged = new ArrayList<>();
      String cursor = null;
      do {
        JsonObject page = api.get(path + "?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor), token)
            .bodyAsJsonObject();
        assertThat(page.getJsonArray("items").size()).isBetween(1, limit);
        page.getJsonArray("items").forEach(e -> paged.add(((JsonObject) e).getLong("number")));
        cursor = page.getString("nextCursor");
      } while (cursor != null);
      assertThat(paged).as("limit %d", limit).containsExactlyElementsOf(numbers);
    }
    assertThat(api.get(path + "?currency=USD&limit=200", token).bodyAsJsonObject().getJsonArray("items")).hasSameSizeAs(numbers);
    assertThat(api.get(path + "?currency=EUR", token).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    for (String bad : List.of("garbage", "e-1", "e99999999999999999999")) {
      HttpResponse<Buffer> r = api.get(path + "?cursor=" + bad, token);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(code(r)).isEqualTo("ERR_VAL_004");
    }
  }

  @Test
  void operatorsSetAnAccountsLimitsWhichReplaceTheDefaultsAndAreAudited() throws Exception {
    String token = trader();
    String accountId = TradingTestKit.accountOf(token, api);
    String path = "/api/v1/accounts/" + accountId + "/limits";
    String admin_ = "/api/v1/admin/accounts/" + accountId + "/limits";
    JsonObject before = api.get(path, token).bodyAsJsonObject();
    assertThat(before.getJsonObject("limits")).isEmpty();
    assertThat(before.getJsonObject("defaults").getString("maxOrderNotional")).isEqualTo("50000");
    assertThat(before.getJsonObject("effective").getString("maxOrderNotional")).isEqualTo("50000");

    JsonObject tight = new JsonObject().put("limits", new JsonObject().put("maxOrderNotional", "100")
        .put("maxOpenOrders", 50)).put("reason", "new client, small tickets");
    assertThat(api.request(HttpMethod.PUT, admin_, token).sendJsonObject(tight).await().statusCode()).isEqualTo(403);
    assertThat(api.request(HttpMethod.PUT, admin_, kit.newTrader(admin, "admin")).sendJsonObject(tight).await()
        .statusCode()).as("a tenant's own admin is no operator").isEqualTo(403);
    HttpResponse<Buffer> set = api.request(HttpMethod.PUT, admin_, admin).sendJsonObject(tight).await();
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject().getJsonObject("effective").getString("maxOrderNotional")).isEqualTo("100");
    assertThat(set.bodyAsJsonObject().getJsonObject("effective").getInteger("maxOpenOrders")).as("looser than the default 5")
        .isEqualTo(50);
    assertThat(api.get(path, token).bodyAsJsonObject().getJsonObject("limits").getString("maxOrderNotional")).isEqualTo("100");

    HttpResponse<Buffer> big = kit.place(token, UUID.randomUUID().toString(), market("BTC-USD", "BUY", "0.01"));
    assertThat(big.statusCode()).isEqualTo(422);
    assertThat(code(big)).isEqualTo("ERR_ORD_010");
    assertThat(big.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("100");
    JsonObject accountDoc = app.app.store().read("trading", accountId, "account").await().body();
    assertThat(accountDoc.getJsonObject("limits").getString("maxOrderNotional")).isEqualTo("100");
    assertThat(app.app.store().query("trading", io.bourse.store.Query.in(accountId).eq("docType", "audit").build()).await()
        .items()).anySatisfy(d -> {
          assertThat(d.body().getString("action")).isEqualTo("account.limits");
          assertThat(d.body().getString("reason")).isEqualTo("new client, small tickets");
        });

    // Back to the default with null; bad input changes nothing.
    for (JsonObject bad : List.of(new JsonObject().put("limits", new JsonObject().put("maxOrderNotional", "-1")),
        new JsonObject().put("limits", new JsonObject().put("maxOrderNotional", "0")),
        new JsonObject().put("limits", new JsonObject().put("leverage", "10")),
        new JsonObject().put("limits", new JsonObject().put("maxOpenOrders", 0)),
        new JsonObject())) {
      HttpResponse<Buffer> r = api.request(HttpMethod.PUT, admin_, admin).sendJsonObject(bad).await();
      assertThat(r.statusCode()).as(bad.encode()).isEqualTo(400);
      assertThat(code(r)).startsWith("ERR_VAL_");
    }
    assertThat(api.get(path, token).bodyAsJsonObject().getJsonObject("limits").getString("maxOrderNotional")).isEqualTo("100");
    HttpResponse<Buffer> reset = api.request(HttpMethod.PUT, admin_, admin).sendJsonObject(new JsonObject()
        .put("limits", new JsonObject().putNull("maxOrderNotional"))).await();
    assertThat(reset.bodyAsJsonObject().getJsonObject("effective").getString("maxOrderNotional")).isEqualTo("50000");
    for (String unknown : List.of("PA-no-such-tenant", "not-an-account")) {
      assertThat(api.request(HttpMethod.PUT, "/api/v1/admin/accounts/" + unknown + "/limits", admin).sendJsonObject(tight)
          .await().statusCode()).as(unknown).isEqualTo(404);
    }
    assertThat(api.get(path, trader()).statusCode()).as("another tenant's account").isEqualTo(404);
  }

  @Test
  void aClientsOwnOrderIdIsKeptBesideTheIdSentToTheVenue() throws Exception {
    String token = trader();
    String key = UUID.randomUUID().toString();
    JsonObject body = market("BTC-USD", "BUY", "0.01").put("clientOrderId", "desk-7:ticket-42");
    HttpResponse<Buffer> placed = kit.place(token, key, body);
    assertThat(placed.statusCode()).as(placed.bodyAsString()).isEqualTo(201);
    JsonObject order = placed.bodyAsJsonObject();
    assertThat(order.getString("clientOrderId")).isEqualTo("desk-7:ticket-42");
    assertThat(order.getString("venueClientOrderId")).hasSize(28).startsWith("bo");
    JsonObject filled = kit.awaitOrderStatus(token, order.getString("id"), "FILLED");
    assertThat(filled.getString("clientOrderId")).isEqualTo("desk-7:ticket-42");
    JsonObject atVenue = io.vertx.ext.web.client.WebClient.create(app.vertx).getAbs(app.app.venueUrl() + "/accounts/"
        + order.getString("accountId") + "/orders/" + order.getString("venueClientOrderId")).send().await().bodyAsJsonObject();
    assertThat(atVenue.getString("status")).isEqualTo("FILLED");
    // The same key with another reference is another request.
    HttpResponse<Buffer> other = kit.place(token, key, body.copy().put("clientOrderId", "desk-7:ticket-43"));
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(code(other)).isEqualTo("ERR_CONFLICT_001");
    // Without one, clientOrderId is the venue's id.
    JsonObject plain = kit.placed(token, market("BTC-USD", "BUY", "0.01"));
    assertThat(plain.getString("clientOrderId")).isEqualTo(plain.getString("venueClientOrderId"));
  }

  @Test
  void aMarketOrderFillsAndBooksPositionFillAndLedger() throws Exception {
    String token = trader();
    String accountId = TradingTestKit.accountOf(token, api);
    JsonObject order = kit.placed(token, market("BTC-USD", "BUY", "0.01"));
    assertThat(order.getString("status")).isIn("NEW", "FILLED");
    assertThat(order.getString("clientOrderId")).hasSize(28).startsWith("bo");
    JsonObject filled = kit.awaitOrderStatus(token, order.getString("id"), "FILLED");
    assertThat(new BigDecimal(filled.getString("filledQuantity"))).isEqualByComparingTo("0.01");

    JsonArray fills = api.get("/api/v1/fills?orderId=" + order.getString("id"), token).bodyAsJsonObject().getJsonArray("items");
    assertThat(fills).hasSize(1);
    JsonObject fill = fills.getJsonObject(0);
    BigDecimal fee = new BigDecimal(fill.getString("fee"));
    assertThat(fee.signum()).isPositive();

    JsonObject position = api.get("/api/v1/positions", token).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertThat(position.getString("symbol")).isEqualTo("BTC-USD");
    assertThat(new BigDecimal(position.getString("quantity"))).isEqualByComparingTo("0.01");
    assertThat(position.getString("averagePrice")).isEqualTo(fill.getString("price"));

    JsonObject account = api.get("/api/v1/accounts/" + accountId, token).bodyAsJsonObject();
    BigDecimal cost = new BigDecimal(fill.getString("price")).multiply(new BigDecimal("0.01")).add(fee);
    assertThat(new BigDecimal(account.getString("available"))).isEqualByComparingTo(new BigDecimal("100000").subtract(cost));
    assertThat(new BigDecimal(account.getString("reserved"))).isEqualByComparingTo("0");
    assertThat(kit.ledgerSums(token, accountId).get("USD")).isEqualByComparingTo("0");

    JsonArray history = api.get("/api/v1/orders/" + order.getString("id") + "/history", token).bodyAsJsonObject()
        .getJsonArray("items");
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) statuses.add(history.getJsonObject(i).getString("to"));
    assertThat(statuses).startsWith("PENDING_NEW").endsWith("FILLED");
    assertThat(history.getJsonObject(0).getString("source")).isEqualTo("REST");
    assertThat(history.getJsonObject(0).getString("requestId")).isNotBlank();
  }

  @Test
  void theSameKeyAndBodyReturnTheFirstOrderAndAnotherBodyConflicts() {
    String token = trader();
    String key = "key-" + UUID.randomUUID();
    HttpResponse<Buffer> first = kit.place(token, key, market("ETH-USD", "BUY", "0.01"));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> again = kit.place(token, key, market("ETH-USD", "BUY", "0.01"));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    HttpResponse<Buffer> other = kit.place(token, key, market("ETH-USD", "BUY", "0.02"));
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(code(other)).isEqualTo("ERR_CONFLICT_001");
    JsonArray orders = api.get("/api/v1/orders", token).bodyAsJsonObject().getJsonArray("items");
    assertThat(orders).hasSize(1);
  }

  @Test
  void concurrentDuplicatesCreateOneOrderAndOneExecution() throws Exception {
    String token = trader();
    String key = "race-" + UUID.randomUUID();
    List<io.vertx.core.Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      sent.add(api.request(HttpMethod.POST, "/api/v1/orders", token).putHeader("Idempotency-Key", key)
          .sendJsonObject(market("SOL-USD", "BUY", "1")));
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (var f : sent) {
      HttpResponse<Buffer> r = f.await();
      assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201);
      if (r.statusCode() == 201) created++;
      ids.add(r.bodyAsJsonObject().getString("id"));
    }
    assertThat(ids).hasSize(1);
    assertThat(created).isEqualTo(1);
    String orderId = ids.iterator().next();
    kit.awaitOrderStatus(token, orderId, "FILLED");
    assertThat(api.get("/api/v1/orders", token).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    assertThat(api.get("/api/v1/fills", token).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  @Test
  void idempotencyKeysThatLookLikeJsonAreStillStrings() throws Exception {
    String token = trader();
    for (String key : List.of("1.5", "\"quoted\"", "[1]", "null", "true", "{}")) {
      HttpResponse<Buffer> r = kit.place(token, key, market("BTC-USD", "BUY", "0.001"));
      assertThat(r.statusCode()).as(key).isEqualTo(201);
      assertThat(kit.place(token, key, market("BTC-USD", "BUY", "0.001")).statusCode()).as(key).isEqualTo(200);
    }
  }

  @Test
  void badOrdersAreRefusedWithACodeAndWriteNothing() {
    String token = trader();
    String accountId = TradingTestKit.accountOf(token, api);
    JsonObject before = api.get("/api/v1/accounts/" + accountId, token).bodyAsJsonObject();

    HttpResponse<Buffer> noKey = kit.place(token, null, market("BTC-USD", "BUY", "0.01"));
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(code(noKey)).startsWith("ERR_VAL_");
    assertThat(noKey.bodyAsString()).contains("Idempotency-Key");
    for (String key : List.of("has space", "x".repeat(129))) {
      HttpResponse<Buffer> badKey = kit.place(token, key, market("BTC-USD", "BUY", "0.01"));
      assertThat(badKey.statusCode()).as(key).isEqualTo(400);
      assertThat(badKey.bodyAsString()).contains("Idempotency-Key");
    }

    for (String quantity : List.of("-1", "NaN", "1e3", "", "abc", "Infinity")) {
      HttpResponse<Buffer> r = kit.place(token, UUID.randomUUID().toString(), market("BTC-USD", "BUY", quantity));
      assertThat(r.statusCode()).as(quantity).isEqualTo(400);
      assertThat(code(r)).isEqualTo("ERR_VAL_002");
    }
    HttpResponse<Buffer> zero = kit.place(token, UUID.randomUUID().toString(), market("BTC-USD", "BUY", "0"));
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(code(zero)).isEqualTo("ERR_VAL_002");
    assertThat(zero.bodyAsJsonObject().getJsonObject("error").getJsonArray("details").encode()).contains("quantity");

    HttpResponse<Buffer> unknownField = kit.place(token, UUID.randomUUID().toString(),
        market("BTC-USD", "BUY", "0.01").put("leverage", "100"));
    assertThat(code(unknownField)).isEqualTo("ERR_VAL_003");
    HttpResponse<Buffer> marketWithPrice = kit.place(token, UUID.randomUUID().toString(),
        market("BTC-USD", "BUY", "0.01").put("price", "1.00"));
    assertThat(marketWithPrice.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> limitWithoutPrice = kit.place(token, UUID.randomUUID().toString(),
        market("BTC-USD", "BUY", "0.01").put("type", "LIMIT"));
    assertThat(limitWithoutPrice.statusCode()).isEqualTo(400);
    assertThat(code(limitWithoutPrice)).isEqualTo("ERR_VAL_002");
    HttpResponse<Buffer> badSide = kit.place(token, UUID.randomUUID().toString(), market("BTC-USD", "HOLD", "0.01"));
    assertThat(code(badSide)).isEqualTo("ERR_VAL_002");
    HttpResponse<Buffer> notJson = api.request(HttpMethod.POST, "/api/v1/orders", token).putHeader("Idempotency-Key", "x")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"symbol\":")).await();
    assertThat(code(notJson)).isEqualTo("ERR_VAL_001");

    assertThat(api.get("/api/v1/orders", token).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    assertThat(api.get("/api/v1/accounts/" + accountId, token).bodyAsJsonObject().getString("available"))
        .isEqualTo(before.getString("available"));
  }

  @Test
  void everyPreTradeRiskRuleRefusesWithItsOwnCode() throws Exception {
    String token = trader();
    BigDecimal near = kit.priceAt(token, "BTC-USD", "0.98", BTC_TICK);
    record Case(String code, JsonObject order) {}
    List<Case> cases = List.of(
        new Case("ERR_ORD_005", market("NOPE-USD", "BUY", "1")),
        new Case("ERR_ORD_005", market("SUSPENDED-USD", "BUY", "1")),
        new Case("ERR_ORD_002", market("CLOSED-USD", "BUY", "1")),
        new Case("ERR_ORD_007", limit("BTC-USD", "BUY", "0.01", near.add(new BigDecimal("0.001")))),
        new Case("ERR_ORD_008", limit("BTC-USD", "BUY", "0.000001", near)),
        new Case("ERR_ORD_009", limit("BTC-USD", "BUY", "0.00001", near)),
        new Case("ERR_ORD_010", limit("BTC-USD", "BUY", "0.9", near)),
        new Case("ERR_ORD_012", limit("BTC-USD", "BUY", "0.01", kit.priceAt(token, "BTC-USD", "0.80", BTC_TICK))),
        new Case("ERR_ORD_011", market("ETH-USD", "BUY", "2.5")));
    for (Case c : cases) {
      HttpResponse<Buffer> r = kit.place(token, UUID.randomUUID().toString(), c.order());
      assertThat(r.statusCode()).as("%s %s", c.code(), r.bodyAsString()).isEqualTo(422);
      assertThat(code(r)).as(r.bodyAsString()).isEqualTo(c.code());
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).isNotBlank();
    }
    assertThat(api.get("/api/v1/orders", token).bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  void capitalOpenOrdersAndRateLimitsCountWorkingOrders() throws Exception {
    String token = trader();
    BigDecimal resting = kit.priceAt(token, "BTC-USD", "0.97", BTC_TICK);
    kit.placed(token, limit("BTC-USD", "BUY", "0.7", resting));
    kit.placed(token, limit("BTC-USD", "BUY", "0.7", resting));
    HttpResponse<Buffer> broke = kit.place(token, UUID.randomUUID().toString(), limit("BTC-USD", "BUY", "0.3", resting));
    assertThat(code(broke)).as(broke.bodyAsString()).isEqualTo("ERR_ORD_003");

    String other = trader();
    BigDecimal low = kit.priceAt(other, "ETH-USD", "0.97", BTC_TICK);
    for (int i = 0; i < 5; i++) kit.placed(other, limit("ETH-USD", "BUY", "0.01", low));
    HttpResponse<Buffer> sixth = kit.place(other, UUID.randomUUID().toString(), limit("ETH-USD", "BUY", "0.01", low));
    assertThat(code(sixth)).isEqualTo("ERR_ORD_013");

    String busy = trader();
    int accepted = 0;
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 45 && (last == null || last.statusCode() != 422); i++) {
      last = kit.place(busy, UUID.randomUUID().toString(), market("SOL-USD", i % 2 == 0 ? "BUY" : "SELL", "0.01"));
      if (last.statusCode() == 201) accepted++;
    }
    assertThat(code(last)).as(last.bodyAsString()).isEqualTo("ERR_ORD_014");
    assertThat(accepted).isEqualTo(40);
  }

  @Test
  void theDailyLossLimitStopsRiskIncreasingOrdersButNotReducingOnes() throws Exception {
    String token = trader();
    // 0.3 BTC round trip: fees alone (10 bp each way on ~19,500) exceed the 20 USD limit.
    JsonObject buy = kit.placed(token, market("BTC-USD", "BUY", "0.3"));
    kit.awaitOrderStatus(token, buy.getString("id"), "FILLED");
    JsonObject sell = kit.placed(token, market("BTC-USD", "SELL", "0.2"));
    kit.awaitOrderStatus(token, sell.getString("id"), "FILLED");
    HttpResponse<Buffer> more = kit.place(token, UUID.randomUUID().toString(), market("ETH-USD", "BUY", "0.01"));
    assertThat(code(more)).as(more.bodyAsString()).isEqualTo("ERR_ORD_015");
    JsonObject reduce = kit.placed(token, market("BTC-USD", "SELL", "0.1"));
    kit.awaitOrderStatus(token, reduce.getString("id"), "FILLED");
  }

  @Test
  void cancelReleasesTheReservationAndTerminalOrForeignOrdersCannotBeCanceled() throws Exception {
    String token = trader();
    String accountId = TradingTestKit.accountOf(token, api);
    JsonObject order = kit.placed(token, limit("BTC-USD", "BUY", "0.1", kit.priceAt(token, "BTC-USD", "0.97", BTC_TICK)));
    assertThat(order.getString("status")).isEqualTo("NEW");
    assertThat(new BigDecimal(api.get("/api/v1/accounts/" + accountId, token).bodyAsJsonObject().getString("reserved")).signum())
        .isPositive();

    String stranger = trader();
    HttpResponse<Buffer> foreign = api.request(HttpMethod.DELETE, "/api/v1/orders/" + order.getString("id"), stranger).send().await();
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(api.get("/api/v1/orders/" + order.getString("id"), stranger).statusCode()).isEqualTo(404);

    HttpResponse<Buffer> canceled = api.request(HttpMethod.DELETE, "/api/v1/orders/" + order.getString("id"), token).send().await();
    assertThat(canceled.statusCode()).as(canceled.bodyAsString()).isEqualTo(200);
    assertThat(canceled.bodyAsJsonObject().getString("status")).isEqualTo("CANCELED");
    JsonObject account = api.get("/api/v1/accounts/" + accountId, token).bodyAsJsonObject();
    assertThat(account.getString("reserved")).isEqualTo("0");
    assertThat(account.getString("available")).isEqualTo("100000");

    HttpResponse<Buffer> again = api.request(HttpMethod.DELETE, "/api/v1/orders/" + order.getString("id"), token).send().await();
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(code(again)).isEqualTo("ERR_ORD_006");
    HttpResponse<Buffer> unknown = api.request(HttpMethod.DELETE, "/api/v1/orders/bo-unknown", token).send().await();
    assertThat(code(unknown)).isEqualTo("ERR_NOT_FOUND_002");
    assertThat(kit.ledgerSums(token, accountId).get("USD")).isEqualByComparingTo("0");
  }

  @Test
  void tenantsSeeOnlyTheirOwnAccountsAndViewersCannotTrade() {
    String token = trader();
    String stranger = trader();
    String accountId = TradingTestKit.accountOf(token, api);
    for (String path : List.of("/api/v1/accounts/" + accountId, "/api/v1/accounts/" + accountId + "/ledger",
        "/api/v1/accounts/" + accountId + "/snapshot", "/api/v1/positions?accountId=" + accountId,
        "/api/v1/orders?accountId=" + accountId, "/api/v1/fills?accountId=" + accountId)) {
      HttpResponse<Buffer> r = api.get(path, stranger);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(code(r)).isEqualTo("ERR_NOT_FOUND_002");
    }
    HttpResponse<Buffer> foreignAccount = kit.place(stranger, "k", market("BTC-USD", "BUY", "0.01").put("accountId", accountId));
    assertThat(foreignAccount.statusCode()).isEqualTo(404);
    assertThat(api.get("/api/v1/accounts", null).statusCode()).isEqualTo(401);

    String viewer = kit.newTrader(admin, "viewer");
    HttpResponse<Buffer> refused = kit.place(viewer, "v", market("BTC-USD", "BUY", "0.01"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(code(refused)).isEqualTo("ERR_AUTH_004");
    assertThat(api.get("/api/v1/accounts", viewer).statusCode()).isEqualTo(200);
  }

  @Test
  void tradingEventsCarryAGapFreeSequenceThatTheSnapshotAlignsWith() throws Exception {
    String token = trader();
    String accountId = TradingTestKit.accountOf(token, api);
    String tenantId = api.get("/api/v1/me", token).bodyAsJsonObject().getString("tenantId");
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    for (String stream : List.of("orders", "fills", "positions", "pnl")) {
      consumers.add(app.vertx.eventBus().<JsonObject>consumer(Addresses.trading(tenantId, stream), m -> events.add(m.body())));
    }
    long start = api.get("/api/v1/accounts/" + accountId + "/snapshot", token).bodyAsJsonObject().getLong("sequence");
    JsonObject order = kit.placed(token, market("ETH-USD", "BUY", "0.05"));
    kit.awaitOrderStatus(token, order.getString("id"), "FILLED");
    kit.await(() -> api.get("/api/v1/accounts/" + accountId + "/snapshot", token),
        r -> r.bodyAsJsonObject().getLong("sequence") == start + events.size() && !events.isEmpty()
            && events.stream().anyMatch(e -> e.containsKey("executionId")), Duration.ofSeconds(10));
    consumers.forEach(MessageConsumer::unregister);
    List<Long> sequences = events.stream().map(e -> e.getLong("sequence")).sorted().toList();
    assertThat(sequences).containsExactlyElementsOf(IntStream.rangeClosed(1, sequences.size())
        .mapToObj(i -> start + i).toList());
    assertThat(events).allSatisfy(e -> assertThat(e.getString("accountId")).isEqualTo(accountId));
    JsonObject snapshot = api.get("/api/v1/accounts/" + accountId + "/snapshot", token).bodyAsJsonObject();
    assertThat(snapshot.getJsonArray("positions")).hasSize(1);
    assertThat(snapshot.getJsonArray("orders")).isEmpty();
  }

  @Test
  void sessionsListEveryInstrumentWithItsHours() {
    JsonArray items = api.get("/api/v1/trading/sessions", trader()).bodyAsJsonObject().getJsonArray("items");
    JsonObject btc = null;
    JsonObject closed = null;
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      if (item.getString("symbol").equals("BTC-USD")) btc = item;
      if (item.getString("symbol").equals("CLOSED-USD")) closed = item;
    }
    assertThat(btc.getBoolean("open")).isTrue();
    assertThat(btc.getJsonObject("session").getString("type")).isEqualTo("24/7");
    assertThat(closed.getBoolean("open")).isFalse();
    assertThat(closed.getString("nextOpen")).isNotBlank();
  }

  @Test
  void listsPageWithCursorsAndRefuseBadParameters() throws Exception {
    String token = trader();
    BigDecimal low = kit.priceAt(token, "BTC-USD", "0.97", BTC_TICK);
    for (int i = 0; i < 3; i++) kit.placed(token, limit("BTC-USD", "BUY", "0.01", low));
    HttpResponse<Buffer> first = api.get("/api/v1/orders?limit=2", token);
    assertThat(first.bodyAsJsonObject().getJsonArray("items")).hasSize(2);
    String cursor = first.bodyAsJsonObject().getString("nextCursor");
    assertThat(cursor).isNotBlank();
    HttpResponse<Buffer> second = api.get("/api/v1/orders?limit=2&cursor=" + cursor, token);
    assertThat(second.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    assertThat(second.bodyAsJsonObject().containsKey("nextCursor")).isFalse();
    assertThat(api.get("/api/v1/orders?status=NEW", token).bodyAsJsonObject().getJsonArray("items")).hasSize(3);

    assertThat(code(api.get("/api/v1/orders?limit=0", token))).isEqualTo("ERR_VAL_004");
    assertThat(code(api.get("/api/v1/orders?status=DONE", token))).isEqualTo("ERR_VAL_004");
    assertThat(code(api.get("/api/v1/orders?cursor=tampered" + cursor, token))).isEqualTo("ERR_VAL_004");
    assertThat(api.get("/api/v1/orders/unknown-order", token).statusCode()).isEqualTo(404);
  }
}

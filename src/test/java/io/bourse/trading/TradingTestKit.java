package io.bourse.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** REST helpers shared by the trading integration tests: orders, prices, polling. */
final class TradingTestKit {
  final TestApp app;
  final Api api;

  TradingTestKit(TestApp app) {
    this.app = app;
    this.api = new Api(app);
  }

  /** A fresh tenant with one trader, logged in; returns its access token. */
  String newTrader(String adminToken, String role) {
    HttpResponse<Buffer> tenant = api.post("/api/v1/admin/tenants", adminToken, new JsonObject().put("name", "t-" + UUID.randomUUID()));
    assertThat(tenant.statusCode()).as(tenant.bodyAsString()).isEqualTo(201);
    String tenantId = tenant.bodyAsJsonObject().getString("id");
    String email = "trader-" + UUID.randomUUID() + "@bourse.test";
    api.createUser(adminToken, email, "a-long-enough-password", tenantId, role);
    return api.tokens(email, "a-long-enough-password").getString("accessToken");
  }

  static String accountOf(String token, Api api) {
    HttpResponse<Buffer> r = api.get("/api/v1/accounts", token);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id");
  }

  HttpResponse<Buffer> place(String token, String key, JsonObject order) {
    var request = api.request(HttpMethod.POST, "/api/v1/orders", token);
    if (key != null) request.putHeader("Idempotency-Key", key);
    return request.sendJsonObject(order).await();
  }

  JsonObject placed(String token, JsonObject order) {
    HttpResponse<Buffer> r = place(token, UUID.randomUUID().toString(), order);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static JsonObject market(String symbol, String side, String quantity) {
    return new JsonObject().put("symbol", symbol).put("side", side).put("type", "MARKET").put("quantity", quantity);
  }

  static JsonObject limit(String symbol, String side, String quantity, BigDecimal price) {
    return new JsonObject().put("symbol", symbol).put("side", side).put("type", "LIMIT").put("quantity", quantity)
        .put("price", price.toPlainString());
  }

  /** The last price, waiting for the first tick. */
  BigDecimal lastPrice(String token, String symbol) throws InterruptedException {
    JsonObject ticker = await(() -> api.get("/api/v1/market/tickers/" + symbol, token), r -> r.statusCode() == 200,
        Duration.ofSeconds(20)).bodyAsJsonObject();
    return new BigDecimal(ticker.getString("price"));
  }

  /** {@code fraction} of the last price, floored to the tick grid. */
  BigDecimal priceAt(String token, String symbol, String fraction, BigDecimal tick) throws InterruptedException {
    return lastPrice(token, symbol).multiply(new BigDecimal(fraction)).divide(tick, 0, RoundingMode.DOWN).multiply(tick);
  }

  HttpResponse<Buffer> await(java.util.function.Supplier<HttpResponse<Buffer>> call, Predicate<HttpResponse<Buffer>> done,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<Buffer> last = call.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = call.get();
    }
    assertThat(done.test(last)).as("condition not met in %s; last answer %s %s", timeout, last.statusCode(),
        last.bodyAsString()).isTrue();
    return last;
  }

  JsonObject awaitOrderStatus(String token, String orderId, String status) throws InterruptedException {
    return await(() -> api.get("/api/v1/orders/" + orderId, token),
        r -> r.statusCode() == 200 && status.equals(r.bodyAsJsonObject().getString("status")), Duration.ofSeconds(20))
        .bodyAsJsonObject();
  }

  /** Every ledger entry of the account, following cursors; sums per currency. */
  Map<String, BigDecimal> ledgerSums(String token, String accountId) {
    Map<String, BigDecimal> sums = new HashMap<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> r = api.get("/api/v1/accounts/" + accountId + "/ledger?limit=200"
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        JsonObject e = items.getJsonObject(i);
        sums.merge(e.getString("currency"), new BigDecimal(e.getString("amount")), BigDecimal::add);
      }
      cursor = r.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    return sums;
  }

  /** See {@link io.bourse.support.Instruments#withClosedMarket()}. */
  static Path instrumentsWithClosedMarket() throws Exception { return io.bourse.support.Instruments.withClosedMarket(); }

  static String code(HttpResponse<Buffer> r) { return Api.errorCode(r); }
}

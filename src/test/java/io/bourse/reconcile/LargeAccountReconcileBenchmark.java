package io.bourse.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * One reconciliation run over an account with {@code bench.orders} orders (default 10,000) and five fills each
 * (50,000 fills, plus one ack per order), everything placed through REST against the in-process paper venue, whose
 * {@code maxFillFraction} of 0.2 fills each marketable order in five executions. Measured: a {@code rebuildHistory}
 * run (every execution from sequence 0 checked against the shard's memory and the store) and an incremental run, while
 * a second account keeps placing orders, whose latency shows whether order entry paused.
 *
 * <p>Run: {@code mvn -B -Pbenchmarks test -Dtest=LargeAccountReconcileBenchmark} ({@code -Dbench.orders=N}).
 */
class LargeAccountReconcileBenchmark {
  private static final int ORDERS = Integer.getInteger("bench.orders", 10_000);

  @Test
  void oneRunOverTenThousandOrdersAndFiftyThousandExecutions() throws Exception {
    try (TestApp app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 50)))
        .put("venue", new JsonObject().put("maxFillFraction", "0.2").put("slippageBps", "0"))
        .put("trading", new JsonObject().put("demoStrategy", false)
            .put("paperFunding", new JsonObject().put("USD", "10000000000"))
            .put("reconciliation", new JsonObject().put("onStart", false).put("intervalMs", 0).put("afterReconnect", false))
            .put("limits", new JsonObject().put("maxOrdersPerMinute", 10_000_000).put("maxOpenOrders", 1_000_000)
                .put("maxOrderNotional", "100000000").put("priceBandFraction", "0.5").put("maxPositionQuantity", "100000")
                .put("dailyLossLimit", "100000000000"))))) {
      Api api = new Api(app);
      String admin = api.adminToken();
      String heavy = trader(api, admin);
      String other = trader(api, admin);
      String account = api.get("/api/v1/accounts", heavy).bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id");
      api.get("/api/v1/accounts", other);
      BigDecimal last = new BigDecimal(awaitOk(api, "/api/v1/market/tickers/BTC-USD", heavy).getString("price"));
      BigDecimal price = last.multiply(new BigDecimal("1.3")).setScale(2, RoundingMode.DOWN);

      long t0 = System.nanoTime();
      Semaphore window = new Semaphore(32);
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        window.acquire();
        all.add(api.request(HttpMethod.POST, "/api/v1/orders", heavy).putHeader("Idempotency-Key", "b-" + i)
            .sendJsonObject(new JsonObject().put("symbol", "BTC-USD").put("side", "BUY").put("type", "LIMIT")
                .put("quantity", "0.001").put("price", price.toPlainString()))
            .onComplete(ar -> window.release()));
      }
      Future.join(all).otherwiseEmpty().await(600, TimeUnit.SECONDS);
      long placed = all.stream().filter(f -> f.succeeded() && f.result().statusCode() == 201).count();
      System.out.printf(Locale.ROOT, "placed %d orders in %.1f s%n", placed, (System.nanoTime() - t0) / 1e9);
      assertThat(placed).isEqualTo(ORDERS);

      // Every order filled in five executions at the venue, and applied here.
      WebClient venue = WebClient.create(app.vertx);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      long executions = 0;
      while (System.nanoTime() < deadline) {
        JsonObject page = venue.getAbs(app.app.venueUrl() + "/accounts/" + account + "/orders?open=true").send().await()
            .bodyAsJsonObject();
        if (page.getJsonArray("items").isEmpty()) break;
        Thread.sleep(500);
      }
      JsonObject tail = venue.getAbs(app.app.venueUrl() + "/accounts/" + account + "/executions?after=0&limit=1").send()
          .await().bodyAsJsonObject();
      executions = lastSequence(venue, app.app.venueUrl(), account);
      System.out.printf(Locale.ROOT, "venue journal: %d executions for %d orders (%s)%n", executions, ORDERS, tail.getBoolean("more"));
      while (System.nanoTime() < deadline
          && !api.get("/api/v1/orders?status=PARTIALLY_FILLED&limit=1", heavy).bodyAsJsonObject().getJsonArray("items").isEmpty()) {
        Thread.sleep(500);
      }
      System.out.printf(Locale.ROOT, "data ready after %.1f s%n", (System.nanoTime() - t0) / 1e9);

      // Order entry on another account while the runs go on.
      Histogram latency = new Histogram(60_000_000_000L, 3);
      boolean[] stop = {false};
      Thread entry = new Thread(() -> {
        int n = 0;
        while (!stop[0]) {
          long s = System.nanoTime();
          HttpResponse<Buffer> r = api.request(HttpMethod.POST, "/api/v1/orders", other).putHeader("Idempotency-Key", "o-" + n++)
              .sendJsonObject(new JsonObject().put("symbol", "BTC-USD").put("side", "BUY").put("type", "LIMIT")
                  .put("quantity", "0.001").put("price", last.multiply(new BigDecimal("0.8")).setScale(2, RoundingMode.DOWN)
                      .toPlainString())).await();
          if (r.statusCode() == 201) latency.recordValue(System.nanoTime() - s);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      entry.start();
      Thread.sleep(1000);
      JsonObject full = run(api, admin, account, true);
      JsonObject incremental = run(api, admin, account, false);
      stop[0] = true;
      entry.join();
      System.out.printf(Locale.ROOT, "| rebuildHistory run | %d orders, %d executions | %d ms | %s |%n", ORDERS, executions,
          full.getLong("durationMs"), full.getString("status"));
      System.out.printf(Locale.ROOT, "| incremental run | cursor at the end | %d ms | %s |%n", incremental.getLong("durationMs"),
          incremental.getString("status"));
      System.out.printf(Locale.ROOT, "| other account's order entry meanwhile | %d orders | p50 %.1f ms, p99 %.1f ms, max %.1f ms |%n",
          latency.getTotalCount(), latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
          latency.getMaxValue() / 1e6);
      assertThat(full.getString("status")).as(full.encodePrettily()).isEqualTo("CLEAN");
    }
  }

  private static long lastSequence(WebClient venue, String url, String account) {
    long after = 0;
    while (true) {
      JsonObject page = venue.getAbs(url + "/accounts/" + account + "/executions?after=" + after + "&limit=1000").send()
          .await().bodyAsJsonObject();
      var items = page.getJsonArray("items");
      if (items.isEmpty()) return after;
      after = items.getJsonObject(items.size() - 1).getLong("sequence");
      if (!page.getBoolean("more", false)) return after;
    }
  }

  private static JsonObject run(Api api, String admin, String account, boolean rebuild) throws InterruptedException {
    String id = api.post("/api/v1/admin/reconciliation/runs", admin, new JsonObject().put("accountId", account)
        .put("rebuildHistory", rebuild)).bodyAsJsonObject().getString("id");
    while (true) {
      JsonObject run = api.get("/api/v1/admin/reconciliation/runs/" + id, admin).bodyAsJsonObject();
      if (!"RUNNING".equals(run.getString("status"))) return run;
      Thread.sleep(50);
    }
  }

  private static JsonObject awaitOk(Api api, String path, String token) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      HttpResponse<Buffer> r = api.get(path, token);
      if (r.statusCode() == 200) return r.bodyAsJsonObject();
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never answered 200");
  }

  private static String trader(Api api, String admin) {
    String tenantId = api.post("/api/v1/admin/tenants", admin, new JsonObject().put("name", "b-" + UUID.randomUUID()))
        .bodyAsJsonObject().getString("id");
    String email = "bench-" + UUID.randomUUID() + "@bourse.test";
    api.createUser(admin, email, "a-long-enough-password", tenantId, "trader");
    return api.tokens(email, "a-long-enough-password").getString("accessToken");
  }
}

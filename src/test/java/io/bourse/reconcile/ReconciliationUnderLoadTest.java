package io.bourse.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation while the accounts keep trading: the venue is always a few executions ahead of what its stream has
 * delivered. A run must compare positions and cash at one point of the execution sequence, never report executions
 * in flight as drift, and so never put a healthy account in REDUCING. (Scheduled runs under order entry did: every
 * account of the order-entry benchmark ended up refusing half its orders.)
 */
class ReconciliationUnderLoadTest {
  private static final int ACCOUNTS = 4;
  private static final int RATE = 400;
  private static final int SECONDS = 8;

  @Test
  void runsDuringSteadyTradingFindNothingAndLeaveEveryAccountActive() throws Exception {
    try (TestApp app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 100)))
        .put("trading", new JsonObject().put("demoStrategy", false)
            .put("limits", new JsonObject().put("maxOrdersPerMinute", 1_000_000).put("maxOpenOrders", 100_000))
            .put("reconciliation", new JsonObject().put("onStart", false).put("intervalMs", 0).put("afterReconnect", false))))) {
      Api api = new Api(app);
      String admin = api.adminToken();
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        String tenant = api.post("/api/v1/admin/tenants", admin, new JsonObject().put("name", "load-" + i))
            .bodyAsJsonObject().getString("id");
        String email = "load-" + i + "-" + UUID.randomUUID() + "@bourse.test";
        api.createUser(admin, email, "a-long-enough-password", tenant, "trader");
        tokens.add(api.tokens(email, "a-long-enough-password").getString("accessToken"));
      }
      // Wait for a BTC-USD price, so market orders can fill.
      long priceDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (api.get("/api/v1/market/tickers/BTC-USD", tokens.get(0)).statusCode() != 200 && System.nanoTime() < priceDeadline) {
        Thread.sleep(100);
      }

      Vertx client = Vertx.vertx();
      Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
      CountDownLatch answered = new CountDownLatch(RATE * SECONDS);
      try {
        HttpClient http = client.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(app.port()), new PoolOptions().setHttp1MaxSize(64));
        long[] sent = {0};
        long start = System.nanoTime();
        client.setPeriodic(5, timer -> {
          long due = (System.nanoTime() - start) * RATE / 1_000_000_000L;
          while (sent[0] < Math.min(due, (long) RATE * SECONDS)) {
            long i = sent[0]++;
            String side = (i / ACCOUNTS) % 2 == 0 ? "BUY" : "SELL";
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/orders")
                    .putHeader("Authorization", "Bearer " + tokens.get((int) (i % ACCOUNTS)))
                    .putHeader("Content-Type", "application/json").putHeader("Idempotency-Key", UUID.randomUUID().toString()))
                .compose(req -> req.send(Buffer.buffer("{\"symbol\":\"BTC-USD\",\"side\":\"" + side
                    + "\",\"type\":\"MARKET\",\"quantity\":\"0.001\"}")))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                  statuses.computeIfAbsent(ar.succeeded() ? ar.result() : -1, s -> new AtomicLong()).incrementAndGet();
                  answered.countDown();
                });
          }
          if (sent[0] >= (long) RATE * SECONDS) client.cancelTimer(timer);
        });

        // Runs over every account, one after the other, while the orders flow.
        List<JsonObject> runs = new ArrayList<>();
        while (answered.getCount() > RATE) {
          HttpResponse<Buffer> started = api.post("/api/v1/admin/reconciliation/runs", admin, new JsonObject());
          assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
          String id = started.bodyAsJsonObject().getString("id");
          JsonObject run;
          do {
            Thread.sleep(50);
            run = api.get("/api/v1/admin/reconciliation/runs/" + id, admin).bodyAsJsonObject();
          } while ("RUNNING".equals(run.getString("status")));
          runs.add(run);
        }
        assertThat(answered.await(60, TimeUnit.SECONDS)).isTrue();

        assertThat(runs).as("runs during the load").hasSizeGreaterThanOrEqualTo(2);
        // The venue is always a few executions ahead of its stream: a run waits for the stream to deliver them
        // rather than apply them itself and report them as missed, so there is nothing to find, repaired or not.
        List<JsonObject> found = new ArrayList<>();
        runs.forEach(run -> found.addAll(ReconcileRuns.discrepancies(run)));
        assertThat(found).as("discrepancies found by the runs").isEmpty();
        assertThat(runs).allSatisfy(run -> assertThat(run.getString("status")).as(run.encodePrettily()).isEqualTo("CLEAN"));
        assertThat(statuses.keySet()).as("every order answered 201: %s", statuses).containsExactly(201);
        JsonObject control = api.get("/api/v1/trading/control", admin).bodyAsJsonObject();
        assertThat(control.encode()).as("no account was moved to REDUCING").doesNotContain("REDUCING");
      } finally {
        client.close().await();
      }
    }
  }
}

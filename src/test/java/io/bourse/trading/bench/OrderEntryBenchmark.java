package io.bourse.trading.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * POST /api/v1/orders end to end (JWT, contract validation, risk, ledger, atomic write, venue ack over HTTP) at a
 * constant offered rate, open loop: requests are sent on a schedule whatever the answers do, and each latency is
 * measured from the time the request was due, not from when it went out (no coordinated omission, as wrk2 does).
 * Baseline in the same run and JVM: a bare Vert.x handler answering 201 with a JSON body, offered the same rate.
 *
 * <p>Run: {@code mvn -B -Pbenchmarks test -Dtest=OrderEntryBenchmark} (rates: {@code -Dbench.rates=1000,2500,5000}).
 */
class OrderEntryBenchmark {
  private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 8);
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 10);
  private static final int MEASURE_SECONDS = Integer.getInteger("bench.seconds", 20);
  /** With -Dbench.timeline=true, each measured run also prints its worst latency per 100 ms of schedule. */
  private static final boolean TIMELINE = Boolean.getBoolean("bench.timeline");

  /**
   * {@code cpuMicrosPerRequest}: the whole process's CPU time (user and system, every thread: server, venue, store,
   * GC and the load generator) during the measured run, per completed request. Far steadier between runs than the
   * latency on these shared machines, and it bounds the rate: two cores give at most 2,000,000 / it requests/s.
   */
  record Result(String name, int offered, double achieved, long errors, Histogram latency, double cpuMicrosPerRequest) {
    String row() {
      return String.format(Locale.ROOT, "| %s | %d | %.0f | %d | %.2f | %.2f | %.2f | %.2f | %.0f |", name, offered,
          achieved, errors, ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(99)),
          ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()), cpuMicrosPerRequest);
    }

    private static double ms(long nanos) { return nanos / 1e6; }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void orderEntryAtAConstantRate() throws Exception {
    String[] rates = System.getProperty("bench.rates", "1000,2500,5000").split(",");
    List<Result> results = new ArrayList<>();
    try (TestApp app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 200)))
        .put("venue", new JsonObject().put("client", new JsonObject()
            .put("maxConnections", Integer.getInteger("bench.venueConnections", 64))))
        .put("trading", new JsonObject().put("demoStrategy", false).put("limits", new JsonObject()
            .put("maxOrdersPerMinute", 10_000_000).put("maxOpenOrders", 100_000).put("dailyLossLimit", "100000000"))
            // The service's scheduled reconciliation runs every 5 minutes; -Dbench.reconIntervalMs= runs it more often.
            .put("reconciliation", new JsonObject().put("intervalMs", Long.getLong("bench.reconIntervalMs", 300_000L)))))) {
      Api api = new Api(app);
      String admin = api.adminToken();
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        String tenant = api.post("/api/v1/admin/tenants", admin, new JsonObject().put("name", "bench-" + i))
            .bodyAsJsonObject().getString("id");
        String email = "bench-" + i + "-" + UUID.randomUUID() + "@bourse.test";
        api.createUser(admin, email, "a-long-enough-password", tenant, "trader");
        String token = api.tokens(email, "a-long-enough-password").getString("accessToken");
        assertThat(api.get("/api/v1/accounts", token).statusCode()).isEqualTo(200);
        tokens.add(token);
      }
      // The load generator and the bare baseline on the same transport as the service.
      Vertx loadVertx = Vertx.vertx(io.bourse.Bourse.vertxOptions());
      HttpServer bare = loadVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> req.response()
          .setStatusCode(201).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("id", UUID.randomUUID().toString()).put("status", "NEW").encode())))
          .listen(0, "127.0.0.1").await();
      try {
        for (String rate : rates) {
          int r = Integer.parseInt(rate.trim());
          results.add(run(loadVertx, "bare Vert.x handler", bare.actualPort(), r, tokens));
          results.add(run(loadVertx, "POST /api/v1/orders", app.port(), r, tokens));
        }
      } finally {
        loadVertx.close().await();
      }
    }
    System.out.println("| endpoint | offered/s | achieved/s | errors | p50 ms | p99 ms | p99.9 ms | max ms | CPU µs/req |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    results.forEach(r -> System.out.println(r.row()));
    assertThat(results).allSatisfy(r -> assertThat(r.latency().getTotalCount()).isPositive());
  }

  private static Result run(Vertx vertx, String name, int port, int rate, List<String> tokens) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));
    run(vertx, client, rate, WARMUP_SECONDS, tokens, null);
    Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong errors = new AtomicLong();
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    long started = System.nanoTime();
    long[] worstPerTick = new long[MEASURE_SECONDS * 10 + 1];
    Recorder recorder;
    long completed = run(vertx, client, rate, MEASURE_SECONDS, tokens, recorder = new Recorder(latency, errors, worstPerTick,
        new java.util.TreeMap<>()));
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpuMicros = (os.getProcessCpuTime() - cpuBefore) / 1e3;
    client.close().await();
    Result result = new Result(name, rate, completed / seconds, errors.get(), latency, cpuMicros / Math.max(1, completed));
    if (!recorder.errorKinds().isEmpty()) System.out.println("errors " + name + " " + rate + "/s: " + recorder.errorKinds());
    System.out.println(result.row());
    if (TIMELINE) {
      StringBuilder line = new StringBuilder("timeline " + name + " " + rate + "/s from "
          + java.time.Instant.now().minusNanos(System.nanoTime() - started) + ", worst ms per 100 ms:");
      for (long worst : worstPerTick) line.append(' ').append(worst / 1_000_000);
      System.out.println(line);
    }
    return result;
  }

  /** {@code errorKinds}: each error's HTTP status and error code (or the failure's class), counted, for the log. */
  private record Recorder(Histogram latency, AtomicLong errors, long[] worstPerTick,
                          java.util.Map<String, Long> errorKinds) {}

  /**
   * Sends {@code rate} requests per second for {@code seconds}, on a 1 ms schedule driven by a timer on the load
   * generator's own event loop (so the generator costs the shared cores as little as a client process would), and
   * waits for every answer.
   */
  private static long run(Vertx vertx, HttpClient client, int rate, int seconds, List<String> tokens, Recorder recorder)
      throws InterruptedException {
    long total = (long) rate * seconds;
    CountDownLatch done = new CountDownLatch((int) total);
    AtomicLong completed = new AtomicLong();
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    String run = UUID.randomUUID().toString();
    long[] next = {0};
    long start = System.nanoTime();
    vertx.setPeriodic(1, timer -> {
      long now = System.nanoTime();
      while (next[0] < total && start + next[0] * intervalNanos <= now) {
        long i = next[0]++;
        long due = start + i * intervalNanos;
        String token = tokens.get((int) (i % tokens.size()));
        String side = (i / tokens.size()) % 2 == 0 ? "BUY" : "SELL";
        Buffer body = Buffer.buffer("{\"symbol\":\"BTC-USD\",\"side\":\"" + side
            + "\",\"type\":\"MARKET\",\"quantity\":\"0.001\"}");
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/orders")
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
                .putHeader("Idempotency-Key", run + "-" + i))
            .compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode() == 201 ? "201"
                : resp.statusCode() + " " + errorCode(b)))
            .onComplete(ar -> {
              if (recorder != null) {
                long took = Math.max(0, System.nanoTime() - due);
                recorder.latency().recordValue(took);
                // Answers arrive on the generator's one event loop, so this array needs no synchronisation.
                int tick = (int) Math.min((due - start) / 100_000_000L, recorder.worstPerTick().length - 1);
                recorder.worstPerTick()[tick] = Math.max(recorder.worstPerTick()[tick], took);
                if (ar.failed() || !ar.result().equals("201")) {
                  recorder.errors().incrementAndGet();
                  recorder.errorKinds().merge(ar.failed() ? ar.cause().getClass().getSimpleName() : ar.result(), 1L, Long::sum);
                }
              }
              completed.incrementAndGet();
              done.countDown();
            });
      }
      if (next[0] >= total) vertx.cancelTimer(timer);
    });
    done.await(seconds + 120L, TimeUnit.SECONDS);
    return completed.get();
  }

  private static String errorCode(Buffer body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return error == null ? "" : error.getString("code", "");
    } catch (RuntimeException notJson) {
      return "(not JSON)";
    }
  }
}

package io.bourse.bridge;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bridge fan-out against a bare Vert.x WebSocket broadcast, in one run so the two are comparable: N clients (default
 * 1,000), each subscribed to 10 symbols ticking 10 times a second (100 ticks/s, so 100,000 frames/s to deliver).
 * <ol>
 *   <li>Bridge: the whole service in-process; every client opens {@code /eventbus/websocket} and registers
 *   {@code md.tick.BENCH0..9}; ticks are published on those addresses (what the market verticle does), so the path
 *   measured is event bus → the public bridge's consumer on each event loop (MarketDataBridge: one encoding per
 *   tick and loop, each socket's outbox with its conflation) → socket.</li>
 *   <li>Bare: a plain HttpServer on the same Vert.x instance, the same number of HTTP verticle instances; each instance
 *   receives the same ticks from the event bus and writes one pre-encoded frame of the same shape to each of its
 *   sockets.</li>
 * </ol>
 * Clients run in the same JVM on their own Vert.x instance (2 event loops): the machine has 2 cores, so clients,
 * server and publisher share them, for both variants alike. Latency is tick publish → frame parsed by the client
 * (same JVM, so one {@code System.nanoTime} clock). Not part of the normal build: {@code mvn -B -Pbenchmarks test
 * -Dtest=FanoutBenchmark} (see docs/BENCHMARKS.md). Sizes via {@code -Dbench.clients=},
 * {@code -Dbench.seconds=}, {@code -Dbench.rounds=} (default 2, ABBA order), {@code -Dbench.warmupSeconds=}.
 * Results go to stdout and target/benchmarks/bridge.json.
 *
 * <p>Before the measured rounds each variant runs one unrecorded warm-up phase ({@code bench.warmupSeconds}, default
 * 20 s, with the same clients and rate; 0 = none), bridge first, then bare. Without it the first measured phase of a
 * cold JVM pays for class loading and JIT compilation of the whole bridge path (seen: p99 2.4 s in the first bridge
 * phase, 25 ms in the second), which is the JVM's start-up, not the bridge's steady cost. The ABBA order then only
 * has drifting background load left to even out.
 */
class FanoutBenchmark {
  static final int CLIENTS = Integer.getInteger("bench.clients", 1000);
  static final int SECONDS = Integer.getInteger("bench.seconds", 20);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
  static final int JIT_WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 20);
  static final int WARMUP_SECONDS = 5;
  static final int SYMBOLS = 10;
  static final int TICKS_PER_SYMBOL_PER_SECOND = 10;

  record Result(String name, long published, long expected, long delivered, long conflated, Histogram latencyUs,
                double seconds, double load, long serverCpuNanos) {
    double deliveredPerSecond() { return delivered / seconds; }

    /** CPU the server's event loops (publisher included) spent per delivered frame, in microseconds. */
    double serverCpuUsPerFrame() { return delivered == 0 ? 0 : serverCpuNanos / 1000.0 / delivered; }

    JsonObject json() {
      return new JsonObject().put("name", name).put("published", published).put("expected", expected)
          .put("delivered", delivered).put("conflated", conflated).put("deliveredPerSecond", deliveredPerSecond())
          .put("p50ms", latencyUs.getValueAtPercentile(50) / 1000.0)
          .put("p99ms", latencyUs.getValueAtPercentile(99) / 1000.0)
          .put("maxMs", latencyUs.getMaxValue() / 1000.0).put("loadAtStart", load)
          .put("serverCpuUsPerFrame", serverCpuUsPerFrame());
    }
  }

  /** Thread ids of the clients' event loops: their CPU is not the server's. */
  static java.util.Set<Long> clientLoopThreads = java.util.Set.of();

  private static java.util.Set<Long> clientLoopThreads(Vertx clients) throws Exception {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    for (io.netty.util.concurrent.EventExecutor e : ((io.vertx.core.internal.VertxInternal) clients).nettyEventLoopGroup()) {
      ids.add(e.submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS));
    }
    return ids;
  }

  /**
   * CPU time of the server's event loops so far: every Vert.x event-loop thread that is not a client's. Both
   * variants pay their publisher timer, event-bus delivery and socket writes there, so this is the cost of fan-out.
   */
  private static long serverLoopCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t == null || !t.getThreadName().startsWith("vert.x-eventloop-thread-")
          || clientLoopThreads.contains(t.getThreadId())) continue;
      long cpu = mx.getThreadCpuTime(t.getThreadId());
      if (cpu > 0) sum += cpu;
    }
    return sum;
  }

  /** Measures between two nanoTime marks; records only frames of ticks published inside the window. */
  static final class Window {
    volatile long start = Long.MAX_VALUE;
    volatile long end = Long.MAX_VALUE;
    final LongAdder delivered = new LongAdder();
    final ConcurrentHistogram latencyUs = new ConcurrentHistogram(60_000_000L, 3);

    void frame(String text) {
      int i = text.lastIndexOf("\"t\":");
      if (i < 0) return;
      long t = 0;
      for (int j = i + 4; j < text.length(); j++) {
        char c = text.charAt(j);
        if (c < '0' || c > '9') break;
        t = t * 10 + (c - '0');
      }
      if (t < start || t >= end) return;
      delivered.increment();
      latencyUs.recordValue(Math.min(60_000_000L, Math.max(0, (System.nanoTime() - t) / 1000)));
    }
  }

  @Test
  @Timeout(900)
  void run() throws Exception {
    double load1 = loadAverage();
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    clientLoopThreads = clientLoopThreads(clients);
    List<Result> results = new ArrayList<>();
    // A fixed port, not 0: with port 0 each HTTP verticle instance binds its own random port and only one of them
    // gets the traffic; with a real port they share it, as in production.
    JsonObject overrides = Api.knownAdmin().put("http", new JsonObject().put("port", io.bourse.support.FreePorts.next()));
    try (TestApp app = TestApp.start(overrides)) {
      if (JIT_WARMUP_SECONDS > 0) {
        System.out.printf("warm-up: one unrecorded phase of each variant, %d s each%n", JIT_WARMUP_SECONDS);
        bridge(app, clients, JIT_WARMUP_SECONDS);
        bare(app, clients, JIT_WARMUP_SECONDS);
        System.out.println("warm-up done; measured rounds follow");
      }
      // ABBA order over the rounds (bridge, bare, bare, bridge, ...), so warm-up and drifting background load do not
      // favour one variant.
      for (int round = 0; round < ROUNDS; round++) {
        if (round % 2 == 0) {
          results.add(bridge(app, clients, SECONDS));
          results.add(bare(app, clients, SECONDS));
        } else {
          results.add(bare(app, clients, SECONDS));
          results.add(bridge(app, clients, SECONDS));
        }
      }
    } catch (AssertionError blocked) {
      // TestApp fails on a blocked event loop; a benchmark that saturates 2 shared cores may trip it. Report, still.
      System.out.println("note: " + blocked.getMessage());
    } finally {
      clients.close().await(30, TimeUnit.SECONDS);
    }
    double load2 = loadAverage();
    report(results, load1, load2);
  }

  private Result bridge(TestApp app, Vertx clients, int seconds) throws Exception {
    Window w = new Window();
    List<WebSocket> sockets = connect(clients, app.port(), "/eventbus/websocket", w);
    for (WebSocket ws : sockets) {
      for (int s = 0; s < SYMBOLS; s++) {
        ws.writeTextMessage("{\"type\":\"register\",\"address\":\"md.tick.BENCH" + s + "\"}");
      }
    }
    Thread.sleep(2000); // registrations settle
    long pinger = clients.setPeriodic(10_000, id -> sockets.forEach(ws -> ws.writeTextMessage("{\"type\":\"ping\"}")));
    Counter conflated = app.metrics.registry().find("bourse.bridge.messages.conflated").tag("namespace", "public")
        .counter();
    double conflatedBefore = conflated == null ? 0 : conflated.count();
    Result r = drive("bridge", app.vertx, w, sockets.size(), seconds, (sym, body) -> publish(app.vertx,
        "md.tick." + sym, body));
    clients.cancelTimer(pinger);
    close(sockets);
    Thread.sleep(5000); // the bridge sockets close and their consumers unregister before the next phase
    long conflatedCount = conflated == null ? 0 : (long) (conflated.count() - conflatedBefore);
    return new Result(r.name(), r.published(), r.expected(), r.delivered(), conflatedCount, r.latencyUs(),
        r.seconds(), r.load(), r.serverCpuNanos());
  }

  /** The baseline: the same ticks, event bus → one encode → write to every socket of this instance. */
  static final class BareBroadcast extends VerticleBase {
    final List<ServerWebSocket> sockets = new ArrayList<>();
    final Promise<Integer> bound;

    /** Every instance listens on port -1: Vert.x gives them one shared random port and round-robins connections. */
    BareBroadcast(Promise<Integer> bound) {
      this.bound = bound;
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().<JsonObject>localConsumer("bench.bare.tick", m -> {
        String frame = new JsonObject().put("type", "rec").put("address", "md.tick." + m.body().getString("symbol"))
            .put("body", m.body()).encode();
        for (ServerWebSocket ws : sockets) {
          if (!ws.writeQueueFull()) ws.writeTextMessage(frame);
        }
      });
      return vertx.createHttpServer().webSocketHandler(ws -> {
        sockets.add(ws);
        ws.closeHandler(v -> sockets.remove(ws));
      }).listen(-1, "127.0.0.1").onSuccess(s -> bound.tryComplete(s.actualPort()));
    }
  }

  private Result bare(TestApp app, Vertx clients, int seconds) throws Exception {
    int instances = app.app.config().instancesOf("http");
    Promise<Integer> first = Promise.promise();
    List<String> deployments = new ArrayList<>();
    // Generous timeouts: a saturated bridge phase leaves seconds of queued deliveries on the event loops.
    deployments.add(app.vertx.deployVerticle(new BareBroadcast(first)).await(120, TimeUnit.SECONDS));
    int port = first.future().await(120, TimeUnit.SECONDS);
    for (int i = 1; i < instances; i++) {
      Promise<Integer> other = Promise.promise();
      deployments.add(app.vertx.deployVerticle(new BareBroadcast(other)).await(120, TimeUnit.SECONDS));
      if (other.future().await(120, TimeUnit.SECONDS) != port) throw new IllegalStateException("bare servers not sharing a port");
    }
    Window w = new Window();
    List<WebSocket> sockets = connect(clients, port, "/bare", w);
    Thread.sleep(2000);
    Result r = drive("bare WebSocket broadcast", app.vertx, w, sockets.size(), seconds,
        (sym, body) -> publish(app.vertx, "bench.bare.tick", body));
    close(sockets);
    for (String d : deployments) app.vertx.undeploy(d).await(10, TimeUnit.SECONDS);
    return r;
  }

  private static void publish(Vertx vertx, String address, JsonObject body) {
    vertx.eventBus().publish(address, body);
  }

  interface Publisher {
    void publish(String symbol, JsonObject body);
  }

  /** Publishes 100 ticks/s round-robin over the symbols on the server's Vert.x, warms up, measures, drains. */
  private Result drive(String name, Vertx server, Window w, int subscribers, int seconds, Publisher publisher)
      throws Exception {
    double load = loadAverage();
    AtomicLong seq = new AtomicLong();
    AtomicLong publishedInWindow = new AtomicLong();
    long periodMs = 1000L / (SYMBOLS * TICKS_PER_SYMBOL_PER_SECOND);
    long timer = server.setPeriodic(periodMs, id -> {
      long n = seq.getAndIncrement();
      String sym = "BENCH" + (n % SYMBOLS);
      long t = System.nanoTime();
      if (t >= w.start && t < w.end) publishedInWindow.incrementAndGet();
      // "t" last, so the client finds it with lastIndexOf.
      publisher.publish(sym, new JsonObject().put("symbol", sym).put("sequence", n).put("price", "100.00")
          .put("size", "1").put("timestamp", java.time.Instant.now().toString()).put("t", t));
    });
    Thread.sleep(WARMUP_SECONDS * 1000L);
    long cpuBefore = serverLoopCpuNanos();
    w.start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    w.end = System.nanoTime();
    long cpu = serverLoopCpuNanos() - cpuBefore;
    server.cancelTimer(timer);
    Thread.sleep(3000); // let frames of ticks published before the end arrive
    long published = publishedInWindow.get();
    long expected = published * subscribers;
    Histogram h = w.latencyUs.copy();
    Result r = new Result(name, published, expected, w.delivered.sum(), 0, h, seconds, load, cpu);
    System.out.printf("%s: %d subscribers, %d ticks published in %d s, %d/%d frames delivered, p50 %.1f ms, p99 %.1f ms, "
        + "server loops %.2f us CPU/frame, load %.2f%n", name, subscribers, published, seconds, w.delivered.sum(),
        expected, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, r.serverCpuUsPerFrame(),
        load);
    return r;
  }

  private List<WebSocket> connect(Vertx clients, int port, String uri, Window w) throws Exception {
    WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(CLIENTS * 2));
    List<WebSocket> sockets = new ArrayList<>();
    for (int batch = 0; batch < CLIENTS; batch += 50) {
      List<Future<WebSocket>> pending = new ArrayList<>();
      for (int i = batch; i < Math.min(CLIENTS, batch + 50); i++) {
        pending.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
            .onSuccess(ws -> {
              // The bridge's raw WebSocket transport sends binary frames; the bare server text frames.
              ws.textMessageHandler(w::frame);
              ws.binaryMessageHandler(b -> w.frame(b.toString()));
            }));
      }
      for (Future<WebSocket> f : pending) sockets.add(f.await(30, TimeUnit.SECONDS));
    }
    return sockets;
  }

  private static void close(List<WebSocket> sockets) {
    for (WebSocket ws : sockets) ws.close();
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  private static void report(List<Result> results, double load1, double load2) throws Exception {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%nBridge fan-out: %d clients x %d symbols x %d ticks/s, %d s measured, %d s warm-up per "
        + "variant, load avg %.2f -> %.2f%n", CLIENTS, SYMBOLS, TICKS_PER_SYMBOL_PER_SECOND, SECONDS,
        JIT_WARMUP_SECONDS, load1, load2));
    out.append("| Variant | load | delivered / expected | delivered/s | conflated | p50 ms | p99 ms | max ms | server CPU µs/frame |\n");
    out.append("|---|---|---|---|---|---|---|---|---|\n");
    io.vertx.core.json.JsonArray json = new io.vertx.core.json.JsonArray();
    for (Result r : results) {
      out.append(String.format("| %s | %.2f | %,d / %,d | %,.0f | %,d | %.1f | %.1f | %.1f | %.2f |%n", r.name(),
          r.load(), r.delivered(), r.expected(), r.deliveredPerSecond(), r.conflated(),
          r.latencyUs().getValueAtPercentile(50) / 1000.0, r.latencyUs().getValueAtPercentile(99) / 1000.0,
          r.latencyUs().getMaxValue() / 1000.0, r.serverCpuUsPerFrame()));
      json.add(r.json());
    }
    // Each round is one bridge and one bare phase next to each other: its own ratio, then the ratio over all rounds.
    for (int i = 0; i + 1 < results.size(); i += 2) {
      Result a = results.get(i);
      Result b = results.get(i + 1);
      Result bridge = a.name().equals("bridge") ? a : b;
      Result bare = bridge == a ? b : a;
      if (bare.deliveredPerSecond() > 0) {
        out.append(String.format("Round %d: bridge / bare delivery rate %.2f%n", i / 2 + 1,
            bridge.deliveredPerSecond() / bare.deliveredPerSecond()));
      }
    }
    double bridgeRate = results.stream().filter(r -> r.name().equals("bridge"))
        .mapToDouble(Result::deliveredPerSecond).sum();
    double bareRate = results.stream().filter(r -> !r.name().equals("bridge"))
        .mapToDouble(Result::deliveredPerSecond).sum();
    if (bareRate > 0) {
      out.append(String.format("Bridge delivery rate / bare, all rounds: %.2f%n", bridgeRate / bareRate));
    }
    System.out.println(out);
    Path dir = Path.of("target", "benchmarks");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("bridge.json"), new JsonObject().put("clients", CLIENTS).put("seconds", SECONDS)
        .put("warmupSeconds", JIT_WARMUP_SECONDS).put("loadBefore", load1).put("loadAfter", load2)
        .put("results", json).encodePrettily());
  }
}

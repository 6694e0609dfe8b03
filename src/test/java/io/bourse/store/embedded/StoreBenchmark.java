package io.bourse.store.embedded;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.StoreConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Throughput of the embedded store against raw sqlite-jdbc in the same run (so the ratio, not the absolute number,
 * is what carries across machines). Not a unit test: run with {@code mvn -B -Pbenchmarks -DskipTests test}.
 *
 * <p>Store writes: 64 concurrent writers, each issuing its next create when the previous one is acknowledged
 * (committed). Baseline writes: one thread, autocommit inserts of the same rows, same {@code synchronous}. Store reads:
 * 64 concurrent point readers, with the default read pool (4) and with one thread per core (2 here). Baseline reads:
 * one thread, one prepared statement.
 */
public final class StoreBenchmark {
  private static final int CONCURRENCY = 64;
  private static final long WARMUP_MS = 2_000;
  private static final long MEASURE_MS = 8_000;
  private static final int READ_KEYS = 20_000;
  private static final String BODY = new JsonObject().put("symbol", "EURUSD").put("side", "BUY")
      .put("quantity", "1000").put("price", "1.08345").put("status", "PENDING_NEW").encode();

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("bourse-bench");
    System.out.printf("machine: %d cores, %s %s, %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    System.out.printf("load average at start: %.2f (other processes share these cores)%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf("phase: %d ms warm-up + %d ms measured; store concurrency %d%n", WARMUP_MS, MEASURE_MS,
        CONCURRENCY);
    Vertx vertx = Vertx.vertx();
    try {
      for (StoreConfig.Synchronous sync : StoreConfig.Synchronous.values()) {
        double rawWrites = rawWrites(dir.resolve("raw-" + sync + ".db"), sync);
        double storeWrites = storeWrites(vertx, dir.resolve("store-" + sync + ".db"), sync);
        System.out.printf("writes synchronous=%s: store %.0f/s, raw single-thread autocommit %.0f/s, ratio %.2f%n",
            sync, storeWrites, rawWrites, storeWrites / rawWrites);
      }
      double rawReads = rawReads(dir.resolve("raw-NORMAL.db"));
      for (int readPoolSize : new int[] {4, 2}) {
        double storeReads = storeReads(vertx, dir.resolve("store-NORMAL.db"), readPoolSize);
        System.out.printf("point reads readPoolSize=%d: store %.0f/s, raw single-thread %.0f/s, ratio %.2f%n",
            readPoolSize, storeReads, rawReads, storeReads / rawReads);
      }
      System.out.printf("load average at end: %.2f%n",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Connection rawConnection(Path file, StoreConfig.Synchronous sync) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + sync.name());
      s.execute("CREATE TABLE IF NOT EXISTS c_items (pk TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,"
          + " etag TEXT NOT NULL, ts INTEGER NOT NULL, expires_at INTEGER, PRIMARY KEY (pk, id))");
    }
    return c;
  }

  private static double rawWrites(Path file, StoreConfig.Synchronous sync) throws Exception {
    try (Connection c = rawConnection(file, sync);
         PreparedStatement ps = c.prepareStatement(
             "INSERT INTO c_items (pk, id, body, etag, ts, expires_at) VALUES (?, ?, ?, ?, ?, NULL)")) {
      return singleThreaded(n -> {
        ps.setString(1, "p" + (n % CONCURRENCY));
        ps.setString(2, "raw-" + n);
        ps.setString(3, BODY);
        ps.setString(4, SqliteDocumentStore.newEtag());
        ps.setLong(5, System.currentTimeMillis());
        ps.executeUpdate();
      });
    }
  }

  private static double rawReads(Path file) throws Exception {
    try (Connection c = rawConnection(file, StoreConfig.Synchronous.NORMAL);
         PreparedStatement ps = c.prepareStatement("SELECT body, etag, ts, expires_at FROM c_items"
             + " WHERE pk = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)")) {
      long rows;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM c_items")) {
        rows = rs.next() ? rs.getLong(1) : 0;
      }
      long keys = Math.min(rows, READ_KEYS);
      return singleThreaded(i -> {
        long n = ThreadLocalRandom.current().nextLong(keys);
        ps.setString(1, "p" + (n % CONCURRENCY));
        ps.setString(2, "raw-" + n);
        ps.setLong(3, System.currentTimeMillis());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) throw new IllegalStateException("raw-" + n + " missing");
          // Decoded like the store does, so the baseline pays for the same JSON work.
          new JsonObject(rs.getString(1));
        }
      });
    }
  }

  @FunctionalInterface
  private interface JdbcStep {
    void run(long n) throws Exception;
  }

  /** Operations per second of {@code step} in a tight loop on this thread, after the warm-up. */
  private static double singleThreaded(JdbcStep step) throws Exception {
    long measureFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MS);
    long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(MEASURE_MS);
    long counted = 0;
    long now;
    for (long n = 0; (now = System.nanoTime()) < end; n++) {
      step.run(n);
      if (now >= measureFrom) counted++;
    }
    return counted / (MEASURE_MS / 1000.0);
  }

  private static DocumentStore open(Vertx vertx, Path file, StoreConfig.Synchronous sync, int readPoolSize)
      throws Exception {
    DocumentStore store = SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(file, sync, readPoolSize), 1 << 20)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    store.ensureContainer(ContainerSpec.of("items")).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return store;
  }

  /** Runs {@code CONCURRENCY} closed-loop lanes on one event-loop context and counts completions in the window. */
  private static double closedLoop(Vertx vertx, LaneStep step, String label) throws Exception {
    AtomicLong counted = new AtomicLong();
    AtomicLong issued = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    Recorder latency = new Recorder(3);
    CompletableFuture<Void> failed = new CompletableFuture<>();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      for (int lane = 0; lane < CONCURRENCY; lane++) {
        runLane(step, lane, issued, counted, measuring, stop, latency, failed);
      }
    });
    Thread.sleep(WARMUP_MS);
    latency.reset();
    long before = counted.get();
    measuring.set(true);
    Thread.sleep(MEASURE_MS);
    long done = counted.get() - before;
    stop.set(true);
    if (failed.isCompletedExceptionally()) failed.get();
    var histogram = latency.getIntervalHistogram();
    System.out.printf("  %s latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", label,
        histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
        histogram.getMaxValue() / 1e6);
    Thread.sleep(500);
    return done / (MEASURE_MS / 1000.0);
  }

  @FunctionalInterface
  private interface LaneStep {
    Future<?> run(int lane, long n);
  }

  private static void runLane(LaneStep step, int lane, AtomicLong issued, AtomicLong counted, AtomicBoolean measuring,
                              AtomicBoolean stop, Recorder latency, CompletableFuture<Void> failed) {
    if (stop.get()) return;
    long n = issued.getAndIncrement();
    long start = System.nanoTime();
    step.run(lane, n).onComplete(ar -> {
      if (ar.failed()) {
        failed.completeExceptionally(ar.cause());
        return;
      }
      latency.recordValue(System.nanoTime() - start);
      counted.incrementAndGet();
      runLane(step, lane, issued, counted, measuring, stop, latency, failed);
    });
  }

  private static double storeWrites(Vertx vertx, Path file, StoreConfig.Synchronous sync) throws Exception {
    DocumentStore store = open(vertx, file, sync, 4);
    try {
      JsonObject body = new JsonObject(BODY);
      return closedLoop(vertx, (lane, n) -> store.create("items", Document.of("p" + lane, "w-" + n, body)),
          "store writes synchronous=" + sync);
    } finally {
      store.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static double storeReads(Vertx vertx, Path file, int readPoolSize) throws Exception {
    DocumentStore store = open(vertx, file, StoreConfig.Synchronous.NORMAL, readPoolSize);
    try {
      // Keys of known partition on top of what the write phase left, so the table is not trivially small.
      JsonObject body = new JsonObject(BODY);
      // In chunks: the store's write queue is bounded and refuses a burst beyond it (back-pressure, by design).
      for (int chunk = 0; chunk < READ_KEYS; chunk += 1_000) {
        List<Future<Document>> seed = new ArrayList<>();
        for (int i = chunk; i < chunk + 1_000; i++) {
          seed.add(store.upsert("items", Document.of("r" + (i % CONCURRENCY), "r-" + i, body)));
        }
        Future.all(seed).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      }
      return closedLoop(vertx, (lane, n) -> {
        int key = ThreadLocalRandom.current().nextInt(READ_KEYS);
        return store.read("items", "r" + (key % CONCURRENCY), "r-" + key).map(d -> {
          if (d == null) throw new IllegalStateException("r-" + key + " missing");
          return d;
        });
      }, "store point reads");
    } finally {
      store.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}

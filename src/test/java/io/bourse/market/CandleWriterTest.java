package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.embedded.SqliteDocumentStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed-candle writer against the real embedded store. The store refuses writes to a container nobody ensured
 * (as Cosmos does to a missing container): that is the outage here, and ensuring the container ends it.
 */
class CandleWriterTest {
  @TempDir Path dir;
  Vertx vertx;
  DocumentStore store;
  Context context;
  final MarketMetrics metrics = new MarketMetrics();

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    store = SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(dir.resolve("w.db"), StoreConfig.Synchronous.NORMAL, 2),
        1 << 20).await();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void close() {
    store.close().await();
    vertx.close().await();
  }

  static Candle candle(String symbol, int minute) {
    Instant open = Instant.parse("2026-11-23T09:00:00Z").plus(Duration.ofMinutes(minute));
    return new Candle(symbol, Interval.M1, open, new BigDecimal("100.00"), new BigDecimal("101.50"),
        new BigDecimal("99.25"), new BigDecimal("100.75"), new BigDecimal("3.5"), 7);
  }

  /** Runs on the writer's context, as the verticle does, and waits for the result on the test thread. */
  <T> T on(Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(p));
    return p.future().await();
  }

  void run(Runnable action) {
    on(() -> {
      action.run();
      return Future.succeededFuture();
    });
  }

  List<JsonObject> stored(String symbol) {
    return store.query(CandleWriter.CONTAINER, Query.in(CandleWriter.partitionKey(symbol, Interval.M1))
        .orderBy("openTimeMs", false).limit(100).build()).await().items().stream().map(d -> d.body()).toList();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void aRefusedBatchIsKeptAndRetriedWithBackoffUntilTheStoreTakesIt() throws Exception {
    CandleWriter writer = on(() -> Future.succeededFuture(new CandleWriter(vertx, store, 100, 1_000, metrics)));
    run(() -> {
      for (int m = 0; m < 3; m++) writer.add(candle("BTC-USD", m));
      writer.add(candle("ETH-USD", 0));
    });
    on(writer::flush);
    assertThat(metrics.persistFailures.sum()).as("one failure per partition batch").isEqualTo(2);
    assertThat(on(() -> Future.succeededFuture(writer.unsavedCount()))).isEqualTo(4);
    JsonObject status = on(() -> Future.succeededFuture(writer.status()));
    assertThat(status.getBoolean("retrying")).isTrue();
    assertThat(status.getString("lastError")).isNotBlank();
    Future<Void> durable = on(() -> Future.succeededFuture(writer.durableThrough(writer.lastAdded())));
    // A retry or two fail as well (backoff 200, 400 ms...) and nothing is lost meanwhile.
    await("a retry that failed too", () -> metrics.persistFailures.sum() >= 4);
    assertThat(durable.isComplete()).isFalse();
    run(() -> writer.add(candle("BTC-USD", 3))); // added during the outage: queued behind the failed ones

    store.ensureContainer(CandleWriter.spec()).await();
    await("everything written", () -> metrics.candlesPersisted.sum() == 5);
    durable.await();
    assertThat(stored("BTC-USD")).extracting(c -> c.getString("openTime")).containsExactly(
        "2026-11-23T09:00:00Z", "2026-11-23T09:01:00Z", "2026-11-23T09:02:00Z", "2026-11-23T09:03:00Z");
    assertThat(stored("BTC-USD").get(0).getString("high")).isEqualTo("101.50");
    assertThat(stored("ETH-USD")).hasSize(1);
    assertThat(on(() -> Future.succeededFuture(writer.unsavedCount()))).isZero();
    assertThat(metrics.candlesDropped.sum()).isZero();
    assertThat(on(() -> Future.succeededFuture(writer.status())).getBoolean("retrying")).isFalse();
  }

  @Test
  void pastTheBoundTheOldestQueuedCandlesAreDroppedAndCounted() throws Exception {
    CandleWriter writer = on(() -> Future.succeededFuture(new CandleWriter(vertx, store, 100, 5, metrics)));
    run(() -> {
      for (int m = 0; m < 3; m++) writer.add(candle("BTC-USD", m));
    });
    on(writer::flush); // refused: the three wait for a retry
    run(() -> {
      for (int m = 3; m < 8; m++) writer.add(candle("BTC-USD", m));
    });
    assertThat(metrics.candlesDropped.sum()).isEqualTo(3);
    assertThat(on(() -> Future.succeededFuture(writer.unsavedCount()))).isEqualTo(5);
    // Waiting for a dropped candle does not hang: it will never be written.
    on(() -> writer.durableThrough(1));

    store.ensureContainer(CandleWriter.spec()).await();
    await("the five kept written", () -> metrics.candlesPersisted.sum() == 5);
    assertThat(stored("BTC-USD")).extracting(c -> c.getString("openTime")).containsExactly(
        "2026-11-23T09:03:00Z", "2026-11-23T09:04:00Z", "2026-11-23T09:05:00Z", "2026-11-23T09:06:00Z",
        "2026-11-23T09:07:00Z");
  }

  @Test
  void closeMakesOneLastAttemptAndFailsWhoeverWaitsForCandlesItCouldNotWrite() {
    CandleWriter writer = on(() -> Future.succeededFuture(new CandleWriter(vertx, store, 100, 1_000, metrics)));
    run(() -> writer.add(candle("BTC-USD", 0)));
    Future<Void> durable = on(() -> Future.succeededFuture(writer.durableThrough(writer.lastAdded())));
    on(writer::close);
    assertThat(durable.failed()).as("no checkpoint may be recorded past an unwritten candle").isTrue();
    assertThat(metrics.candlesDropped.sum()).isEqualTo(1);
  }
}

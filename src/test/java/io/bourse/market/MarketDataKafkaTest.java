package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.config.ConfigProblems;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.embedded.SqliteDocumentStore;
import io.bourse.support.KafkaFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka ingestion path against a real in-process KRaft broker and the real embedded store. */
class MarketDataKafkaTest {
  static KafkaFixture kafka;
  static Vertx vertx;
  static DocumentStore store;
  @TempDir static Path dir;

  String deploymentId;
  MarketDataVerticle verticle;

  @BeforeAll
  static void startAll() throws Exception {
    kafka = KafkaFixture.start();
    vertx = Vertx.vertx();
    store = SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(dir.resolve("market.db"),
        StoreConfig.Synchronous.NORMAL, 2), 1 << 20).await();
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (store != null) store.close().await();
    if (vertx != null) vertx.close().await();
    if (kafka != null) kafka.close();
  }

  @AfterEach
  void undeploy() {
    if (deploymentId != null) vertx.undeploy(deploymentId).await();
  }

  @BeforeEach
  void nothingDeployed() {
    deploymentId = null;
  }

  void deploy(String topic, String group) {
    deploy(topic, group, null);
  }

  void deploy(String topic, String group, io.vertx.redis.client.Redis redis) {
    deploy(topic, group, redis, store, new JsonObject(), null);
  }

  /** {@code market} overrides are merged into the test defaults; {@code registry} may be null. */
  void deploy(String topic, String group, io.vertx.redis.client.Redis redis, DocumentStore store, JsonObject market,
              io.micrometer.core.instrument.MeterRegistry registry) {
    ConfigProblems problems = new ConfigProblems();
    MarketConfig config = MarketConfig.from(new JsonObject()
        .put("source", "kafka")
        .put("persistFlushMs", 100)
        .put("bridgeConflateMs", 0)
        .put("kafka", new JsonObject().put("bootstrap", kafka.bootstrapServers()).put("topic", topic)
            .put("groupId", group).put("deadLetterTopic", topic + ".dlt").put("maxPollRecords", 50))
        .mergeIn(market, true), problems);
    assertThat(problems.all()).isEmpty();
    verticle = new MarketDataVerticle(config, store, redis, Map.of("session.timeout.ms", "10000"));
    if (registry != null) verticle.meterRegistry(registry);
    deploymentId = vertx.deployVerticle(verticle).await();
  }

  /** Counts messages on the addresses (consumers stay registered for the class; addresses are per test). */
  static AtomicInteger count(String... addresses) {
    AtomicInteger n = new AtomicInteger();
    for (String a : addresses) vertx.eventBus().consumer(a, m -> n.incrementAndGet());
    return n;
  }

  static void createTopicWithDeadLetters(String topic, int partitions) throws Exception {
    kafka.createTopic(topic, partitions);
    kafka.createTopic(topic + ".dlt", 1);
  }

  static String tick(String symbol, long seq, String price, String size, Instant ts) {
    return new JsonObject().put("symbol", symbol).put("sequence", seq).put("price", price).put("size", size)
        .put("timestamp", ts.toString()).encode();
  }

  /** A minute-aligned start well inside the accepted age, so every 1m bucket of the test is in the past. */
  static Instant base() {
    return Interval.M1.bucketStart(Instant.now().minus(Duration.ofMinutes(10)));
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(25);
    }
  }

  List<JsonObject> persistedCandles(String symbol, Interval interval) {
    return store.query(CandleWriter.CONTAINER, Query.in(CandleWriter.partitionKey(symbol, interval))
        .orderBy("openTimeMs", false).limit(100).build()).await().items().stream().map(d -> d.body()).toList();
  }

  @Test
  void ticksFlowIntoCandlesTheStoreAndTheBusAndOffsetsAreCommitted() throws Exception {
    String topic = "ticks-happy";
    createTopicWithDeadLetters(topic, 3);
    List<JsonObject> json = new CopyOnWriteArrayList<>();
    List<Object> records = new CopyOnWriteArrayList<>();
    List<JsonObject> candles = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.mdTick("BTC-USD"), m -> json.add(m.body()));
    vertx.eventBus().consumer(Addresses.mdInternalTick("BTC-USD"), m -> records.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.mdCandle("1m", "BTC-USD"), m -> candles.add(m.body()));
    deploy(topic, "g-happy");

    Instant t0 = base();
    List<String> values = new ArrayList<>();
    List<BigDecimal> prices = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      BigDecimal p = new BigDecimal("65000.00").add(BigDecimal.valueOf((i * 37L) % 101 - 50));
      prices.add(p);
      values.add(tick("BTC-USD", i, p.toPlainString(), "0.01", t0.plusSeconds(i)));
    }
    kafka.send(topic, "BTC-USD", values);

    await("120 JSON ticks", () -> json.size() == 120);
    await("120 record ticks", () -> records.size() == 120);
    assertThat(records).allMatch(o -> o instanceof Tick);
    assertThat(json.get(0).getString("price")).isEqualTo(prices.get(0).toPlainString());
    assertThat(json).extracting(o -> o.getLong("sequence")).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, 120).boxed().toList());

    // Both minutes are in the past: the first closes when minute two starts, the second on the wall-clock sweep.
    await("two closed 1m candles", () -> candles.size() == 2);
    await("two persisted 1m candles", () -> persistedCandles("BTC-USD", Interval.M1).size() == 2);
    List<JsonObject> stored = persistedCandles("BTC-USD", Interval.M1);
    for (int m = 0; m < 2; m++) {
      List<BigDecimal> minute = prices.subList(m * 60, m * 60 + 60);
      JsonObject c = stored.get(m);
      assertThat(c.getString("openTime")).isEqualTo(t0.plusSeconds(60L * m).toString());
      assertThat(new BigDecimal(c.getString("open"))).isEqualByComparingTo(minute.get(0));
      assertThat(new BigDecimal(c.getString("high"))).isEqualByComparingTo(minute.stream().max(BigDecimal::compareTo).orElseThrow());
      assertThat(new BigDecimal(c.getString("low"))).isEqualByComparingTo(minute.stream().min(BigDecimal::compareTo).orElseThrow());
      assertThat(new BigDecimal(c.getString("close"))).isEqualByComparingTo(minute.get(59));
      assertThat(new BigDecimal(c.getString("volume"))).isEqualByComparingTo("0.60");
      assertThat(c.getLong("trades")).isEqualTo(60);
      assertThat(c).isEqualTo(candles.get(m).copy());
    }
    assertThat(verticle.cache().latestTick("BTC-USD").await().sequence()).isEqualTo(119);
    assertThat(verticle.cache().recentCandles("BTC-USD", Interval.M1, 10).await()).hasSize(2);

    // Every record processed ⇒ the group's committed offsets reach the end of each partition.
    Map<Integer, Long> ends = kafka.endOffsets(topic, 3);
    await("offsets committed to the end", () -> {
      Map<Integer, Long> committed = committed("g-happy", topic);
      return ends.entrySet().stream().filter(e -> e.getValue() > 0)
          .allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
    });
    JsonObject status = vertx.eventBus().<JsonObject>request(Addresses.MD_STATUS, null).await().body();
    assertThat(status.getJsonObject("metrics").getLong("accepted")).isEqualTo(120);
    assertThat(status.getJsonObject("source").getString("source")).isEqualTo("kafka");
    assertThat(verticle.metrics().latencyCount()).isEqualTo(120);
  }

  @Test
  void malformedMessagesGoToTheDeadLetterTopicWithTheirReasonAndThePipelineContinues() throws Exception {
    String topic = "ticks-bad";
    createTopicWithDeadLetters(topic, 1);
    AtomicInteger published = count(Addresses.mdTick("ETH-USD"));
    deploy(topic, "g-bad");

    Instant t0 = base();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 5; i++) values.add(tick("ETH-USD", i, "3200.00", "1", t0.plusSeconds(i)));
    List<String> bad = List.of(
        "not json at all",
        "[1,2,3]",
        tick("DOGE-USD", 1, "0.1", "1", t0),
        tick("ETH-USD", 100, "NaN", "1", t0),
        tick("ETH-USD", 101, "-3", "1", t0),
        tick("ETH-USD", 102, "3200.00", "1", Instant.now().plus(Duration.ofHours(1))),
        new JsonObject().put("symbol", "ETH-USD").put("price", "1").put("size", "1").put("timestamp", t0.toString()).encode());
    values.addAll(bad);
    for (int i = 5; i < 10; i++) values.add(tick("ETH-USD", i, "3201.00", "1", t0.plusSeconds(i)));
    kafka.send(topic, "ETH-USD", values);

    await("the 10 valid ticks after and before the bad ones", () -> published.get() == 10);
    List<ConsumerRecord<String, String>> dlt = kafka.readAll(topic + ".dlt", 7, Duration.ofSeconds(30));
    assertThat(dlt).extracting(ConsumerRecord::value).containsExactlyElementsOf(bad);
    assertThat(dlt).extracting(r -> header(r, "reason")).containsExactly(
        "SCHEMA", "SCHEMA", "UNKNOWN_SYMBOL", "NON_FINITE_PRICE", "NON_POSITIVE_PRICE", "TIMESTAMP_IN_FUTURE", "SCHEMA");
    assertThat(header(dlt.get(6), "detail")).startsWith("sequence:");
    assertThat(header(dlt.get(2), "origin")).isEqualTo("kafka:" + topic + "/0@7");
    assertThat(verticle.metrics().invalidTotal()).isEqualTo(7);
    assertThat(verticle.metrics().invalidCount(Rejection.Reason.UNKNOWN_SYMBOL)).isEqualTo(1);
    assertThat(verticle.metrics().deadLettered.sum()).isEqualTo(7);
    await("all 17 offsets committed", () -> Long.valueOf(17).equals(committed("g-bad", topic).get(0)));
  }

  @Test
  void redeliveryAfterAConsumerRestartIsNotCountedTwice() throws Exception {
    String topic = "ticks-restart";
    createTopicWithDeadLetters(topic, 2);
    AtomicInteger published = count(Addresses.mdTick("BTC-USD"), Addresses.mdTick("SOL-USD"));
    AtomicInteger internal = count(Addresses.mdInternalTick("BTC-USD"), Addresses.mdInternalTick("SOL-USD"));
    deploy(topic, "g-restart");

    Instant t0 = base();
    List<String> btc = new ArrayList<>();
    List<String> sol = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      btc.add(tick("BTC-USD", i, "65000.00", "0.1", t0.plusSeconds(i)));
      sol.add(tick("SOL-USD", i, "150.000", "2", t0.plusSeconds(i)));
    }
    kafka.send(topic, "BTC-USD", btc);
    kafka.send(topic, "SOL-USD", sol);
    await("100 ticks published", () -> published.get() == 100);
    await("offsets committed", () ->
        committed("g-restart", topic).values().stream().mapToLong(Long::longValue).sum() == 100);

    // Crash before commit, seen from the broker: the group's offsets go back to the start, so all 100 come again.
    verticle.stopSource().await();
    kafka.rewindGroup("g-restart", topic, 2);
    verticle.startNewKafkaConsumer().await();
    await("all 100 redelivered and recognised", () -> verticle.metrics().duplicates.sum() == 100);

    // A new tick after the redelivery still flows: dedup drops repeats, not progress.
    kafka.send(topic, "BTC-USD", List.of(tick("BTC-USD", 50, "65001.00", "0.1", t0.plusSeconds(50))));
    await("the new tick", () -> published.get() == 101);
    assertThat(internal.get()).isEqualTo(101);
    assertThat(verticle.metrics().accepted.sum()).isEqualTo(101);
    assertThat(verticle.metrics().ingested.sum()).isEqualTo(201);
    assertThat(verticle.cache().latestTick("BTC-USD").await().sequence()).isEqualTo(50);
    await("closed 1m candles persisted", () -> persistedCandles("SOL-USD", Interval.M1).stream()
        .mapToLong(c -> c.getLong("trades")).sum() == 50);
  }

  @Test
  void theSourcePausesWhileTheDownstreamIsBehindAndResumesWithoutLosingAnything() throws Exception {
    String topic = "ticks-backpressure";
    createTopicWithDeadLetters(topic, 1);
    Instant t0 = base();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 200; i++) values.add(tick("ETH-USD", i, "3200.00", "1", t0.plusSeconds(i)));
    kafka.send(topic, "ETH-USD", values);

    InstrumentCatalogue catalogue = InstrumentJson.parseSeed(new JsonObject(
        java.nio.file.Files.readString(Path.of("conf/instruments.json")))).catalogue();
    MarketMetrics metrics = new MarketMetrics();
    MarketPipeline pipeline = new MarketPipeline(new TickValidator(catalogue, 5_000, 3_600_000, Instant::now),
        new Deduplicator(1024), new CandleAggregator(java.util.EnumSet.allOf(Interval.class), c -> { }), t -> { }, metrics);
    java.util.concurrent.atomic.AtomicBoolean behind = new java.util.concurrent.atomic.AtomicBoolean(true);
    MarketConfig.Kafka cfg = new MarketConfig.Kafka(kafka.bootstrapServers(), topic, "g-backpressure", topic + ".dlt", 10, 100, 1_000);
    DeadLetters none = (origin, payload, r) -> Future.succeededFuture();
    io.bourse.market.source.KafkaTickSource[] source = new io.bourse.market.source.KafkaTickSource[1];
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    io.vertx.core.Promise<Void> started = io.vertx.core.Promise.promise();
    ctx.runOnContext(v -> {
      source[0] = new io.bourse.market.source.KafkaTickSource(vertx, cfg, pipeline, none, metrics, behind::get, null, null);
      source[0].start().onComplete(started);
    });
    started.future().await();
    try {
      await("the first batch", () -> metrics.ingested.sum() > 0);
      Thread.sleep(1_000);
      long whilePaused = metrics.ingested.sum();
      assertThat(whilePaused).as("one poll of at most 10 records, then paused").isLessThanOrEqualTo(10);
      Thread.sleep(500);
      assertThat(metrics.ingested.sum()).isEqualTo(whilePaused);

      behind.set(false);
      await("everything after resuming", () -> metrics.accepted.sum() == 200);
      assertThat(metrics.duplicates.sum()).isZero();
      await("all 200 offsets committed", () -> Long.valueOf(200).equals(committed("g-backpressure", topic).get(0)));
    } finally {
      io.vertx.core.Promise<Void> stopped = io.vertx.core.Promise.promise();
      ctx.runOnContext(v -> source[0].stop().onComplete(stopped));
      stopped.future().await();
    }
  }

  @Test
  void redeliveryToANewProcessIsNotPublishedAgainWithoutRedisThanksToTheStoredMarks() throws Exception {
    String topic = "ticks-process-restart-store";
    createTopicWithDeadLetters(topic, 1);
    AtomicInteger published = count(Addresses.mdInternalTick("USDC-USD"));
    deploy(topic, "g-process-store");
    Instant t0 = base();
    List<String> values = new ArrayList<>();
    // Its own symbol: the store is shared by the tests of this class. 90 s: the first minute closes (by the tick of the next) and is persisted; the second is still open at the stop.
    for (int i = 0; i < 90; i++) values.add(tick("USDC-USD", i, "1.0001", "0.5", t0.plusSeconds(i)));
    kafka.send(topic, "USDC-USD", values);
    await("90 ticks published by the first process", () -> published.get() == 90);
    await("the first minute persisted", () -> persistedCandles("USDC-USD", Interval.M1).size() == 1);
    vertx.undeploy(deploymentId).await(); // stop() saves the final marks
    deploymentId = null;
    JsonObject mark = store.read(Checkpoints.CONTAINER, Checkpoints.partitionKey(topic, "USDC-USD"), "hwm").await().body();
    assertThat(mark.getLong("sequence")).isEqualTo(89);

    // The new process (in-process cache, no Redis) finds the group rewound, as after a crash before the commit.
    kafka.rewindGroup("g-process-store", topic, 1);
    deploy(topic, "g-process-store");
    kafka.send(topic, "USDC-USD", List.of(tick("USDC-USD", 90, "1.0002", "0.5", t0.plusSeconds(90))));
    await("the redelivered 90 recognised", () -> verticle.metrics().duplicates.sum() == 90);
    await("the new tick", () -> published.get() == 91);
    assertThat(verticle.metrics().accepted.sum()).isEqualTo(1);
    // The persisted minute was not rebuilt from a partial redelivery.
    assertThat(persistedCandles("USDC-USD", Interval.M1)).singleElement()
        .satisfies(c -> assertThat(c.getLong("trades")).isEqualTo(60));
    await("the new mark saved", () -> store.read(Checkpoints.CONTAINER, Checkpoints.partitionKey(topic, "USDC-USD"), "hwm").await().body()
        .getLong("sequence") == 90);
  }

  @Test
  void redeliveryToANewProcessIsNotPublishedAgainWhenTheCacheIsShared() throws Exception {
    String topic = "ticks-process-restart";
    createTopicWithDeadLetters(topic, 1);
    AtomicInteger published = count(Addresses.mdInternalTick("BTC-USD"));
    try (io.bourse.support.RedisServer server = io.bourse.support.RedisServer.start()) {
      io.vertx.redis.client.Redis redis = io.vertx.redis.client.Redis.createClient(vertx, server.url());
      deploy(topic, "g-process", redis);
      Instant t0 = base();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 30; i++) values.add(tick("BTC-USD", i, "65000.00", "0.1", t0.plusSeconds(i)));
      kafka.send(topic, "BTC-USD", values);
      await("30 ticks published by the first process", () -> published.get() == 30);
      vertx.undeploy(deploymentId).await(); // stop() flushes the latest tick to Redis
      deploymentId = null;

      // The new process finds the group rewound, as after a crash before the commit: all 30 come again.
      kafka.rewindGroup("g-process", topic, 1);
      deploy(topic, "g-process", redis);
      kafka.send(topic, "BTC-USD", List.of(tick("BTC-USD", 30, "65001.00", "0.1", t0.plusSeconds(30))));
      await("the redelivered 30 recognised", () -> verticle.metrics().duplicates.sum() == 30);
      await("the new tick", () -> published.get() == 31);
      assertThat(verticle.metrics().accepted.sum()).isEqualTo(1);
      redis.close();
    }
  }

  @Test
  void aDeadLetterThatCannotBeWrittenHoldsTheCommitUntilItIsThenEverythingResumes() throws Exception {
    String topic = "ticks-dlt-missing";
    kafka.createTopic(topic, 1); // and no dead-letter topic: the broker does not create topics on demand
    AtomicInteger published = count(Addresses.mdInternalTick("ETH-USD"));
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    deploy(topic, "g-dlt-missing", null, store, new JsonObject().put("kafka", new JsonObject().put("deadLetterRetryMaxMs", 1_000)), registry);

    Instant t0 = base();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 5; i++) values.add(tick("ETH-USD", i, "3200.00", "1", t0.plusSeconds(i)));
    values.add("poison one"); // offset 5
    for (int i = 5; i < 10; i++) values.add(tick("ETH-USD", i, "3201.00", "1", t0.plusSeconds(i)));
    values.add("poison two"); // offset 11
    for (int i = 10; i < 13; i++) values.add(tick("ETH-USD", i, "3202.00", "1", t0.plusSeconds(i)));
    kafka.send(topic, "ETH-USD", values);

    // The feed goes on: every valid tick is published although the dead letters cannot be written.
    await("the 13 valid ticks", () -> published.get() == 13);
    await("a failed dead-letter write", () -> verticle.metrics().deadLetterFailures.sum() >= 1);
    // ...but the group's offset stops at the first message whose dead letter is not written: a restart now would
    // deliver it again instead of losing it.
    await("the commit held at offset 5", () -> Long.valueOf(5).equals(committed("g-dlt-missing", topic).get(0)));
    JsonObject deadLetters = verticle.status().getJsonObject("source").getJsonObject("deadLetters");
    assertThat(deadLetters.getInteger("pending")).isEqualTo(2);
    assertThat(deadLetters.getBoolean("failing")).isTrue();
    assertThat(deadLetters.getJsonObject("commitHeldAt").getLong(topic + "-0")).isEqualTo(5);
    assertThat(deadLetters.getString("lastError")).isNotBlank();
    assertThat(registry.get("bourse_market_dead_letters_pending").gauge().value()).isEqualTo(2.0);
    assertThat(registry.get("bourse_market_dead_letter_failures").functionCounter().count()).isGreaterThanOrEqualTo(1);
    assertThat(verticle.metrics().deadLettered.sum()).isZero();
    Thread.sleep(1_500);
    assertThat(committed("g-dlt-missing", topic).get(0)).as("still held").isEqualTo(5);

    // The operator creates the topic: the next retry gets through, both dead letters are written, commits resume.
    kafka.createTopic(topic + ".dlt", 1);
    List<ConsumerRecord<String, String>> dlt = kafka.readAll(topic + ".dlt", 2, Duration.ofSeconds(60));
    assertThat(dlt).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("poison one", "poison two");
    assertThat(dlt).extracting(r -> header(r, "origin"))
        .containsExactlyInAnyOrder("kafka:" + topic + "/0@5", "kafka:" + topic + "/0@11");
    await("all 15 offsets committed", () -> Long.valueOf(15).equals(committed("g-dlt-missing", topic).get(0)));
    assertThat(verticle.metrics().deadLettered.sum()).isEqualTo(2);
    assertThat(registry.get("bourse_market_dead_letters_pending").gauge().value()).isZero();
    JsonObject after = verticle.status().getJsonObject("source").getJsonObject("deadLetters");
    assertThat(after.getBoolean("failing")).isFalse();
    assertThat(after.getJsonObject("commitHeldAt")).isEmpty();

    // And later batches commit as before.
    kafka.send(topic, "ETH-USD", List.of(tick("ETH-USD", 13, "3203.00", "1", t0.plusSeconds(13)), "poison three"));
    await("the next batch committed", () -> Long.valueOf(17).equals(committed("g-dlt-missing", topic).get(0)));
    assertThat(verticle.metrics().deadLettered.sum()).isEqualTo(3);
  }

  @Test
  void pastTheDeadLetterBoundTheConsumerPausesInsteadOfDroppingAny() throws Exception {
    String topic = "ticks-dlt-bound";
    kafka.createTopic(topic, 1); // no dead-letter topic yet
    AtomicInteger published = count(Addresses.mdInternalTick("ETH-USD"));
    deploy(topic, "g-dlt-bound", null, store, new JsonObject().put("kafka", new JsonObject()
        .put("maxPendingDeadLetters", 1).put("deadLetterRetryMaxMs", 500)), null);
    kafka.send(topic, "ETH-USD", List.of("poison"));
    await("paused on the unwritten dead letter", () -> {
      JsonObject source = verticle.status().getJsonObject("source");
      return source.getBoolean("paused") && source.getString("pauseReason").contains("dead letters");
    });
    Instant t0 = base();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 5; i++) values.add(tick("ETH-USD", i, "3200.00", "1", t0.plusSeconds(i)));
    kafka.send(topic, "ETH-USD", values);
    Thread.sleep(1_500);
    assertThat(published.get()).as("nothing consumed while paused").isZero();
    assertThat(verticle.metrics().ingested.sum()).isEqualTo(1);

    kafka.createTopic(topic + ".dlt", 1);
    await("resumed and everything consumed", () -> published.get() == 5);
    await("all 6 committed", () -> Long.valueOf(6).equals(committed("g-dlt-bound", topic).get(0)));
    assertThat(kafka.readAll(topic + ".dlt", 1, Duration.ofSeconds(30))).extracting(ConsumerRecord::value).containsExactly("poison");
    assertThat(verticle.status().getJsonObject("source").getBoolean("paused")).isFalse();
  }

  @Test
  void aDeadLetterTooLargeForItsTopicIsWrittenCutAndSaysSo() throws Exception {
    String topic = "ticks-dlt-small";
    kafka.createTopic(topic, 1);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic + ".dlt", 1, (short) 1)
          .configs(Map.of("max.message.bytes", "8192")))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    deploy(topic, "g-dlt-small");
    String huge = "x".repeat(50_000); // fits the tick topic, not the dead-letter topic
    kafka.send(topic, "ETH-USD", List.of(huge));
    List<ConsumerRecord<String, String>> dlt = kafka.readAll(topic + ".dlt", 1, Duration.ofSeconds(60));
    assertThat(dlt).singleElement().satisfies(r -> {
      assertThat(r.value()).isEqualTo(huge.substring(0, StoreDeadLetters.MAX_PAYLOAD_CHARS));
      assertThat(header(r, "truncated")).isEqualTo("true");
      assertThat(header(r, "origin")).isEqualTo("kafka:" + topic + "/0@0");
    });
    await("the offset committed", () -> Long.valueOf(1).equals(committed("g-dlt-small", topic).get(0)));
  }

  @Test
  void aFeedThatRestartsItsSequencesIsANewEpochNotADuplicateAndRedeliveryOfBothEpochsIsDropped() throws Exception {
    String topic = "ticks-seq-reset";
    createTopicWithDeadLetters(topic, 1);
    AtomicInteger published = count(Addresses.mdInternalTick("BUIDL-USD"));
    List<JsonObject> alerts = new CopyOnWriteArrayList<>();
    io.vertx.core.eventbus.MessageConsumer<JsonObject> alertConsumer = vertx.eventBus().<JsonObject>consumer(Addresses.ADMIN_ALERTS, m -> {
      if ("market.sequenceReset".equals(m.body().getString("type"))) alerts.add(m.body());
    });
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    deploy(topic, "g-seq-reset", null, store, new JsonObject(), registry);
    try {
      Instant t0 = base();
      List<String> first = new ArrayList<>();
      for (int i = 0; i < 50; i++) first.add(tick("BUIDL-USD", i, "1.00", "1", t0.plusSeconds(i)));
      kafka.send(topic, "BUIDL-USD", first);
      await("the first epoch", () -> published.get() == 50);

      // The feed handler restarts: sequences from 0 again, stamped after everything before.
      List<String> second = new ArrayList<>();
      for (int i = 0; i < 20; i++) second.add(tick("BUIDL-USD", i, "1.01", "1", t0.plusSeconds(100 + i)));
      second.add(tick("BUIDL-USD", 25, "1.02", "1", t0.plusSeconds(130))); // and then skips 20..24
      kafka.send(topic, "BUIDL-USD", second);
      await("the second epoch, not dropped as duplicates", () -> published.get() == 71);
      assertThat(verticle.metrics().duplicates.sum()).isZero();
      assertThat(alerts).singleElement().satisfies(a -> {
        assertThat(a.getString("symbol")).isEqualTo("BUIDL-USD");
        assertThat(a.getLong("previousSequence")).isEqualTo(49);
        assertThat(a.getLong("sequence")).isZero();
        assertThat(a.getString("time")).isEqualTo(t0.plusSeconds(100).toString());
      });
      assertThat(registry.get("bourse_market_sequence_resets").tag("symbol", "BUIDL-USD").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("bourse_market_sequence_gaps").tag("symbol", "BUIDL-USD").functionCounter().count()).isEqualTo(1);
      assertThat(verticle.status().getJsonObject("metrics").getJsonObject("sequenceResets").getLong("BUIDL-USD")).isEqualTo(1);

      // Kafka delivers both epochs again (a crash before the commit): all 71 are recognised, though the old epoch's
      // sequences are above the new mark.
      await("committed", () -> Long.valueOf(71).equals(committed("g-seq-reset", topic).get(0)));
      verticle.stopSource().await();
      kafka.rewindGroup("g-seq-reset", topic, 1);
      verticle.startNewKafkaConsumer().await();
      await("all 71 redelivered and recognised", () -> verticle.metrics().duplicates.sum() == 71);
      kafka.send(topic, "BUIDL-USD", List.of(tick("BUIDL-USD", 26, "1.03", "1", t0.plusSeconds(131))));
      await("the next tick of the new epoch", () -> published.get() == 72);
      assertThat(alerts).hasSize(1);
    } finally {
      alertConsumer.unregister().await();
    }
  }

  /**
   * The process goes away without its last checkpoint (the store is gone before it stops, like a crash) and Kafka
   * delivers everything again: the new process continues the open 1h and 1d candles from the last checkpoint, counts
   * the ticks after that checkpoint once, and drops the ones the checkpoint already holds.
   */
  @Test
  void openCandlesSurviveARestartAndRedeliveredTicksAreCountedExactlyOnce() throws Exception {
    String topic = "ticks-candle-restart";
    createTopicWithDeadLetters(topic, 1);
    Path file = dir.resolve("candle-restart.db");
    DocumentStore first = openStore(file);
    // Ticks in the current hour (the in-progress 1h candle), spread over its first seconds. Too close to its end, the
    // wall-clock sweep could close it mid-test: start in the next hour instead.
    long leftInHour = Interval.H1.bucketStart(Instant.now()).plus(Duration.ofHours(1)).toEpochMilli() - System.currentTimeMillis();
    if (leftInHour < 90_000) Thread.sleep(leftInHour + 1_000);
    Instant hour = Interval.H1.bucketStart(Instant.now());
    // The hour's first ticks may be nearly an hour old by now; the age limit is not what this test is about.
    JsonObject market = new JsonObject().put("persistFlushMs", 200).put("maxTickAgeMs", 7_200_000);
    List<BigDecimal> prices = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      BigDecimal p = new BigDecimal("150.000").add(BigDecimal.valueOf(((i * 7L) % 23) - 11));
      prices.add(p);
      values.add(tick("SOL-USD", i, p.toPlainString(), "0.5", hour.plusMillis(100L * i)));
    }
    AtomicInteger published = count(Addresses.mdInternalTick("SOL-USD"));
    deploy(topic, "g-candle-restart", null, first, market, null);
    kafka.send(topic, "SOL-USD", values.subList(0, 20));
    await("20 ticks", () -> published.get() == 20);
    // Committed only once a checkpoint holds them.
    await("20 committed", () -> Long.valueOf(20).equals(committed("g-candle-restart", topic).get(0)));
    kafka.send(topic, "SOL-USD", values.subList(20, 30));
    await("30 ticks", () -> published.get() == 30);

    // "Crash": the store goes away first, so the stop can write no final checkpoint; then the whole group is rewound
    // (nothing committed survives either), so all 30 come again.
    first.close().await();
    vertx.undeploy(deploymentId).await();
    deploymentId = null;
    kafka.rewindGroup("g-candle-restart", topic, 1);

    DocumentStore second = openStore(file);
    try {
      deploy(topic, "g-candle-restart", null, second, market, null);
      kafka.send(topic, "SOL-USD", values.subList(30, 40));
      await("every tick accepted once", () -> verticle.metrics().accepted.sum() + verticle.metrics().duplicates.sum() == 40);
      await("and published", () -> published.get() == 30 + (int) verticle.metrics().accepted.sum());
      for (Interval interval : List.of(Interval.H1, Interval.D1)) {
        JsonObject c = candleHolding(interval, "SOL-USD", hour);
        assertThat(c.getLong("trades")).as(interval.code() + " trades").isEqualTo(40);
        assertThat(new BigDecimal(c.getString("open"))).isEqualByComparingTo(prices.get(0));
        assertThat(new BigDecimal(c.getString("high"))).isEqualByComparingTo(prices.stream().max(BigDecimal::compareTo).orElseThrow());
        assertThat(new BigDecimal(c.getString("low"))).isEqualByComparingTo(prices.stream().min(BigDecimal::compareTo).orElseThrow());
        assertThat(new BigDecimal(c.getString("close"))).isEqualByComparingTo(prices.get(39));
        assertThat(new BigDecimal(c.getString("volume"))).isEqualByComparingTo("20.0");
      }
      // What the checkpoint held was recognised; what came after it was counted (the split depends on timing).
      assertThat(verticle.metrics().duplicates.sum()).isBetween(20L, 30L);

      // A clean restart (final checkpoint and commit at stop) continues the same candles without any redelivery.
      vertx.undeploy(deploymentId).await();
      deploymentId = null;
      deploy(topic, "g-candle-restart", null, second, market, null);
      kafka.send(topic, "SOL-USD", List.of(tick("SOL-USD", 40, "999.000", "1", hour.plusMillis(4_000))));
      await("the 41st tick", () -> verticle.metrics().accepted.sum() == 1);
      JsonObject h = candleHolding(Interval.H1, "SOL-USD", hour);
      assertThat(h.getLong("trades")).isEqualTo(41);
      assertThat(new BigDecimal(h.getString("open"))).isEqualByComparingTo(prices.get(0));
      assertThat(new BigDecimal(h.getString("high"))).isEqualByComparingTo("999.000");
      assertThat(new BigDecimal(h.getString("volume"))).isEqualByComparingTo("21.0");
      assertThat(verticle.metrics().duplicates.sum()).isZero();
    } finally {
      if (deploymentId != null) vertx.undeploy(deploymentId).await();
      deploymentId = null;
      second.close().await();
    }
  }

  static DocumentStore openStore(Path file) {
    return SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(file, StoreConfig.Synchronous.NORMAL, 2), 1 << 20).await();
  }

  /** The candle of the interval whose bucket holds {@code at}, as the REST API reads it (open or closed). */
  static JsonObject candleHolding(Interval interval, String symbol, Instant at) {
    long from = interval.bucketStart(at.toEpochMilli());
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.MD_QUERY_CANDLES, new JsonObject()
        .put("symbol", symbol).put("interval", interval.code()).put("fromMs", from).put("toMs", from + interval.millis())
        .put("limit", 10)).await().body();
    assertThat(reply.getJsonArray("items")).as(interval.code() + " candles of " + symbol).hasSize(1);
    return reply.getJsonArray("items").getJsonObject(0);
  }

  /** Empty while the group has not committed yet (or the admin call failed); callers poll. */
  private static Map<Integer, Long> committed(String group, String topic) {
    try {
      return kafka.committed(group, topic);
    } catch (Exception e) {
      return Map.of();
    }
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}

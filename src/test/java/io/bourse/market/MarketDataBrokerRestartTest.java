package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.config.ConfigProblems;
import io.bourse.health.DependencyCheck;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.embedded.SqliteDocumentStore;
import io.bourse.support.KafkaProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker dies mid-stream ({@code kill -9}) and comes back on the same port: the running pipeline reconnects by
 * itself, every tick produced before, during and after the outage lands in the candles exactly once, and the group's
 * offsets reach the end; and a longer outage does not make the candle sweep drop the outage's ticks. The broker is a
 * separate JVM ({@link KafkaProcess}) so the kill is real.
 */
class MarketDataBrokerRestartTest {
  static final String TOPIC = "ticks-broker-restart";
  static final String GROUP = "g-broker-restart";
  static final int PARTITIONS = 2;
  static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD");
  /** The outage test has its own topic and symbols: the store (candles by symbol) is shared by both tests. */
  static final String OUTAGE_TOPIC = "ticks-broker-outage";
  static final String OUTAGE_GROUP = "g-broker-outage";
  static final List<String> OUTAGE_SYMBOLS = List.of("SOL-USD", "USDC-USD");
  /** market.maxClockSkewMs in the outage test, which is also the sweep's quiet grace. */
  static final long GRACE_MS = 2_000;
  static final int OUTAGE_PER_SYMBOL = 120;

  static KafkaProcess kafka;
  static Vertx vertx;
  static DocumentStore store;
  @TempDir static Path dir;

  @BeforeAll
  static void startAll() throws Exception {
    kafka = KafkaProcess.launch();
    kafka.createTopic(TOPIC, PARTITIONS);
    kafka.createTopic(TOPIC + ".dlt", 1);
    kafka.createTopic(OUTAGE_TOPIC, PARTITIONS);
    kafka.createTopic(OUTAGE_TOPIC + ".dlt", 1);
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

  @Test
  void thePipelineRidesOutABrokerKillAndCountsEveryTickOnce() throws Exception {
    AtomicInteger published = new AtomicInteger();
    for (String s : SYMBOLS) vertx.eventBus().consumer(Addresses.mdInternalTick(s), m -> published.incrementAndGet());
    ConfigProblems problems = new ConfigProblems();
    MarketConfig config = MarketConfig.from(new JsonObject()
        .put("source", "kafka")
        .put("persistFlushMs", 100)
        .put("bridgeConflateMs", 0)
        .put("kafka", new JsonObject().put("bootstrap", kafka.bootstrapServers()).put("topic", TOPIC)
            .put("groupId", GROUP).put("deadLetterTopic", TOPIC + ".dlt").put("maxPollRecords", 50)), problems);
    assertThat(problems.all()).isEmpty();
    MarketDataVerticle verticle = new MarketDataVerticle(config, store, null, Map.of("session.timeout.ms", "10000"));
    String deploymentId = vertx.deployVerticle(verticle).await();
    DependencyCheck probe = KafkaHealth.check(vertx, kafka.bootstrapServers());

    // Two minutes of ticks per symbol, one per second, minute-aligned in the past so every 1m candle closes.
    Instant t0 = Interval.M1.bucketStart(Instant.now().minus(Duration.ofMinutes(10)));
    int perSymbol = 120;
    try (KafkaProducer<String, String> producer = producer()) {
      long start = System.nanoTime();
      List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
      // The kill falls on a minute boundary: the sweep closes a past bucket of a symbol quiet for longer than the
      // clock skew, so an outage inside a past minute would (by design) turn that minute's backlog into late ticks.
      for (int i = 0; i < 60; i++) acks.addAll(sendAll(producer, t0, i));
      for (var a : acks) a.get(30, TimeUnit.SECONDS);
      await("the first minute ingested", () -> published.get() == 120);
      assertThat(probe.probe().await()).contains("1 broker");

      kafka.kill();
      long killedAt = System.nanoTime();
      // The producer buffers and retries these until the broker is back.
      List<java.util.concurrent.Future<RecordMetadata>> duringOutage = new ArrayList<>();
      for (int i = 60; i < 100; i++) duringOutage.addAll(sendAll(producer, t0, i));
      // A poison pill in the outage: its dead letter must reach the DLT after the restart, or commits stop there.
      duringOutage.add(producer.send(new ProducerRecord<>(TOPIC, "BTC-USD", "not json")));
      assertThat(probe.probe().transform(ar -> io.vertx.core.Future.succeededFuture(ar.failed())).await())
          .as("the readiness probe reads down while the broker is dead").isTrue();
      assertThat(published.get()).isEqualTo(120);

      long restarting = System.nanoTime();
      kafka.restart();
      long restartedAt = System.nanoTime();
      for (var a : duringOutage) a.get(60, TimeUnit.SECONDS);
      long outageAcked = System.nanoTime();
      List<java.util.concurrent.Future<RecordMetadata>> after = new ArrayList<>();
      for (int i = 100; i < perSymbol; i++) after.addAll(sendAll(producer, t0, i));
      for (var a : after) a.get(30, TimeUnit.SECONDS);

      await("every tick ingested", () -> verticle.metrics().accepted.sum() == 2L * perSymbol);
      long resumedAt = System.nanoTime();
      await("the probe up again", () -> probe.probe().transform(ar -> io.vertx.core.Future.succeededFuture(ar.succeeded())).await());

      Map<Integer, Long> ends = endOffsets(TOPIC, PARTITIONS);
      assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2L * perSymbol + 1);
      await("offsets committed to the end", () -> ends.equals(committed()));

      for (String s : SYMBOLS) {
        await("both 1m candles of " + s + " persisted", () -> candles(s).size() == 2);
        List<JsonObject> c = candles(s);
        assertThat(c).extracting(j -> j.getLong("trades")).containsExactly(60L, 60L);
        assertThat(c).allSatisfy(j -> assertThat(new BigDecimal(j.getString("volume"))).isEqualByComparingTo("0.60"));
        assertThat(verticle.cache().latestTick(s).await().sequence()).isEqualTo(perSymbol - 1);
      }
      // Whatever the outage made Kafka deliver twice was recognised, never counted twice.
      assertThat(published.get()).isEqualTo(2 * perSymbol);
      assertThat(verticle.metrics().ingested.sum() - verticle.metrics().duplicates.sum()).isEqualTo(2L * perSymbol + 1);
      assertThat(verticle.metrics().deadLettered.sum()).isEqualTo(1);
      await("the dead letter on the DLT", () -> Map.of(0, 1L).equals(endOffsetsOrEmpty(TOPIC + ".dlt", 1)));

      JsonObject status = vertx.eventBus().<JsonObject>request(Addresses.MD_STATUS, null).await().body();
      JsonObject source = status.getJsonObject("source");
      assertThat(source.getJsonArray("assigned")).hasSize(PARTITIONS);
      assertThat(source.getBoolean("paused")).isFalse();
      assertThat(source.getJsonObject("deadLetters").getInteger("pending")).isZero();
      await("everything processed committed", () -> {
        JsonObject s = status().getJsonObject("source");
        return s.getJsonObject("committedOffsets").equals(s.getJsonObject("processedOffsets"));
      });
      assertThat(status.getJsonObject("metrics").getLong("accepted")).isEqualTo(2L * perSymbol);
      // The 5m/1h buckets holding t0 are in the past and span the outage: the sweep is held while the broker is down
      // (MarketDataBrokerOutageTest covers that in detail), so none of the outage's ticks is dropped as late.
      assertThat(status.getLong("lateTicks")).isZero();
      System.out.printf("broker restart: down %d ms (restart() %d ms), outage ticks acked %d ms after restart, "
              + "pipeline caught up %d ms after restart, total %d ms, duplicates dropped %d%n",
          ms(restartedAt - killedAt), ms(restartedAt - restarting), ms(outageAcked - restartedAt), ms(resumedAt - restartedAt),
          ms(System.nanoTime() - start), verticle.metrics().duplicates.sum());
    } finally {
      vertx.undeploy(deploymentId).await();
    }
  }

  /**
   * The broker is down for several times the sweep grace while the candles holding the outage are already past their
   * end by the wall clock. Without the hold, the quiet-symbol sweep would close them during the outage and the outage's
   * ticks would then be dropped as late. With it: the sweep is held while the source is disconnected (visible in the
   * status and the meter), the outage's ticks land in their candles after the restart, every candle's trades and volume
   * equal the sum of its ticks, nothing is dropped or counted twice, and the sweep resumes once the source is caught up.
   */
  @Test
  void candlesSpanningAnOutageLongerThanTheSweepGraceKeepEveryOutageTick() throws Exception {
    AtomicInteger published = new AtomicInteger();
    for (String s : OUTAGE_SYMBOLS) vertx.eventBus().consumer(Addresses.mdInternalTick(s), m -> published.incrementAndGet());
    ConfigProblems problems = new ConfigProblems();
    MarketConfig config = MarketConfig.from(new JsonObject()
        .put("source", "kafka")
        .put("maxClockSkewMs", GRACE_MS)
        .put("persistFlushMs", 100)
        .put("kafka", new JsonObject().put("bootstrap", kafka.bootstrapServers()).put("topic", OUTAGE_TOPIC)
            .put("groupId", OUTAGE_GROUP).put("deadLetterTopic", OUTAGE_TOPIC + ".dlt").put("maxPollRecords", 50)), problems);
    assertThat(problems.all()).isEmpty();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MarketDataVerticle verticle = new MarketDataVerticle(config, store, null, Map.of("session.timeout.ms", "10000"))
        .meterRegistry(registry);
    String deploymentId = vertx.deployVerticle(verticle).await();

    // Two minutes of ticks per symbol, one per second, minute-aligned ten minutes in the past: every bucket holding
    // them has ended by the wall clock, so an unheld sweep closes whatever is open as soon as the symbol goes quiet.
    Instant t0 = Interval.M1.bucketStart(Instant.now().minus(Duration.ofMinutes(10)));
    List<Produced> ticks = new ArrayList<>();
    try (KafkaProducer<String, String> producer = producer()) {
      // Before the outage: the first half of minute 0.
      for (var a : sendRange(producer, t0, 0, 30, ticks)) a.get(30, TimeUnit.SECONDS);
      await("the first 30 s ingested", () -> published.get() == 60);
      await("the sweep running (source connected and caught up)", () -> !sweep().getBoolean("held"));
      long holdsBefore = sweep().getLong("holds");

      kafka.kill();
      await("the sweep held while the broker is down", () -> sweep().getBoolean("held"));
      JsonObject down = status();
      assertThat(down.getJsonObject("candleSweep").getString("reason")).isEqualTo("source disconnected");
      assertThat(down.getJsonObject("source").getBoolean("connected")).isFalse();
      assertThat(registry.get("bourse_market_candle_sweep_held").gauge().value()).isEqualTo(1.0);
      // Several sweep rounds while minute 0 is open, ended and its symbols quiet for longer than the grace.
      Thread.sleep(3 * GRACE_MS);
      assertThat(verticle.status().getLong("lateTicks")).isZero();
      // The rest of minute 0 and most of minute 1 happen during the outage: the producer buffers them.
      List<java.util.concurrent.Future<RecordMetadata>> outage = sendRange(producer, t0, 30, 100, ticks);
      assertThat(published.get()).isEqualTo(60);

      kafka.restart();
      // More ticks stamped inside the outage, sent only now (a feed handler that was cut off too, replaying).
      List<java.util.concurrent.Future<RecordMetadata>> replayed = sendRange(producer, t0, 100, OUTAGE_PER_SYMBOL, ticks);
      for (var a : outage) a.get(60, TimeUnit.SECONDS);
      for (var a : replayed) a.get(60, TimeUnit.SECONDS);

      await("every tick ingested", () -> verticle.metrics().accepted.sum() == (long) OUTAGE_SYMBOLS.size() * OUTAGE_PER_SYMBOL);
      await("the sweep resumed once caught up", () -> !sweep().getBoolean("held"));
      assertThat(sweep().getLong("holds")).isEqualTo(holdsBefore + 1);
      assertThat(registry.get("bourse_market_candle_sweep_held").gauge().value()).isZero();

      for (String s : OUTAGE_SYMBOLS) {
        for (Interval interval : List.of(Interval.M1, Interval.M5)) {
          Map<Long, long[]> expectedTrades = new TreeMap<>();
          Map<Long, BigDecimal> expectedVolume = new TreeMap<>();
          for (Produced p : ticks) {
            if (!p.symbol.equals(s)) continue;
            long start = interval.bucketStart(p.at.toEpochMilli());
            expectedTrades.computeIfAbsent(start, k -> new long[1])[0]++;
            expectedVolume.merge(start, p.size, BigDecimal::add);
          }
          // All of these buckets ended minutes ago: the resumed sweep closes whatever the ticks did not.
          await(interval.code() + " candles of " + s + " persisted", () -> candles(s, interval).size() == expectedTrades.size());
          Map<Long, Long> trades = new TreeMap<>();
          Map<Long, BigDecimal> volume = new TreeMap<>();
          for (JsonObject c : candles(s, interval)) {
            trades.put(c.getLong("openTimeMs"), c.getLong("trades"));
            volume.put(c.getLong("openTimeMs"), new BigDecimal(c.getString("volume")));
          }
          Map<Long, Long> expected = new TreeMap<>();
          expectedTrades.forEach((k, v) -> expected.put(k, v[0]));
          assertThat(trades).as(interval.code() + " trades of " + s).isEqualTo(expected);
          assertThat(volume.keySet()).isEqualTo(expectedVolume.keySet());
          volume.forEach((k, v) -> assertThat(v).as(interval.code() + " volume of " + s + " @" + k)
              .isEqualByComparingTo(expectedVolume.get(k)));
        }
      }
      assertThat(verticle.status().getLong("lateTicks")).as("no tick dropped as late").isZero();
      assertThat(published.get()).isEqualTo(OUTAGE_SYMBOLS.size() * OUTAGE_PER_SYMBOL);
      assertThat(verticle.metrics().ingested.sum() - verticle.metrics().duplicates.sum())
          .as("every tick counted once").isEqualTo((long) OUTAGE_SYMBOLS.size() * OUTAGE_PER_SYMBOL);
    } finally {
      vertx.undeploy(deploymentId).await();
    }
  }

  static long ms(long nanos) { return nanos / 1_000_000; }

  static KafkaProducer<String, String> producer() {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "2");
    // Long enough to outlive the outage; the default backoff cap (1 s) is already short enough to reconnect fast.
    p.put("delivery.timeout.ms", "90000");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  record Produced(String symbol, Instant at, BigDecimal size) {}

  static JsonObject status() {
    return vertx.eventBus().<JsonObject>request(Addresses.MD_STATUS, null).await().body();
  }

  static JsonObject sweep() {
    return status().getJsonObject("candleSweep");
  }

  /** Seconds [from, to) after t0 for every symbol, sizes 0.01–0.09 so sums are not just counts. */
  static List<java.util.concurrent.Future<RecordMetadata>> sendRange(KafkaProducer<String, String> producer, Instant t0,
                                                                int from, int to, List<Produced> log) {
    List<java.util.concurrent.Future<RecordMetadata>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      for (String s : OUTAGE_SYMBOLS) {
        String price = (s.startsWith("SOL") ? 150 : 1) + (i % 7) + ".25";
        BigDecimal size = new BigDecimal("0.0" + (1 + i % 9));
        Instant at = t0.plusSeconds(i);
        String v = new JsonObject().put("symbol", s).put("sequence", i).put("price", price)
            .put("size", size.toPlainString()).put("timestamp", at.toString()).encode();
        out.add(producer.send(new ProducerRecord<>(OUTAGE_TOPIC, s, v)));
        log.add(new Produced(s, at, size));
      }
    }
    return out;
  }

  static List<java.util.concurrent.Future<RecordMetadata>> sendAll(KafkaProducer<String, String> producer, Instant t0, int i) {
    List<java.util.concurrent.Future<RecordMetadata>> out = new ArrayList<>();
    for (String s : SYMBOLS) {
      String price = s.startsWith("BTC") ? "65000.00" : "3200.00";
      String v = new JsonObject().put("symbol", s).put("sequence", i).put("price", price).put("size", "0.01")
          .put("timestamp", t0.plusSeconds(i).toString()).encode();
      out.add(producer.send(new ProducerRecord<>(TOPIC, s, v)));
    }
    return out;
  }

  static List<JsonObject> candles(String symbol) {
    return candles(symbol, Interval.M1);
  }

  static List<JsonObject> candles(String symbol, Interval interval) {
    return store.query(CandleWriter.CONTAINER, Query.in(CandleWriter.partitionKey(symbol, interval))
        .orderBy("openTimeMs", false).limit(100).build()).await().items().stream().map(d -> d.body()).toList();
  }

  static Map<Integer, Long> endOffsetsOrEmpty(String topic, int partitions) {
    try {
      return endOffsets(topic, partitions);
    } catch (Exception e) {
      return Map.of();
    }
  }

  static Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    for (int i = 0; i < partitions; i++) req.put(new TopicPartition(topic, i), OffsetSpec.latest());
    try (Admin admin = kafka.admin(Duration.ofSeconds(10))) {
      Map<Integer, Long> out = new HashMap<>();
      admin.listOffsets(req).all().get(10, TimeUnit.SECONDS).forEach((tp, r) -> {
        if (r.offset() > 0) out.put(tp.partition(), r.offset());
      });
      return out;
    }
  }

  /** Empty while the call fails; callers poll. */
  static Map<Integer, Long> committed() {
    try (Admin admin = kafka.admin(Duration.ofSeconds(5))) {
      Map<Integer, Long> out = new HashMap<>();
      admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS)
          .forEach((tp, om) -> { if (om != null && om.offset() > 0) out.put(tp.partition(), om.offset()); });
      return out;
    } catch (Exception e) {
      return Map.of();
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(50);
    }
  }
}

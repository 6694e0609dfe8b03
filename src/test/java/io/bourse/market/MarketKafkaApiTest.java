package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.KafkaFixture;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole service reading market data from a real (in-process) Kafka broker: ticks of a symbol fed only through
 * Kafka come out of the REST API, and the consumer's meters come out of /metrics.
 */
class MarketKafkaApiTest {
  static final String TOPIC = "md.ticks.app";
  static final String GROUP = "bourse-app-test";
  static KafkaFixture kafka;
  static TestApp app;
  static Api api;
  static String token;
  /** Ticks of ETH-USD the group had consumed before this process started (its offsets are at the end). */
  static final int ALREADY_CONSUMED = 30;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaFixture.start();
    kafka.createTopic(TOPIC, 2);
    kafka.createTopic(TOPIC + ".dlt", 1);
    // A previous process consumed these and committed: this process's partitions are caught up when assigned.
    List<String> old = new ArrayList<>();
    for (int i = 0; i < ALREADY_CONSUMED; i++) old.add(tick("ETH-USD", i, "3200.00", "1", base().plusSeconds(i)));
    kafka.send(TOPIC, "ETH-USD", old);
    Map<TopicPartition, OffsetAndMetadata> atEnd = new HashMap<>();
    kafka.endOffsets(TOPIC, 2).forEach((p, end) -> atEnd.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(end)));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.alterConsumerGroupOffsets(GROUP, atEnd).all().get(30, TimeUnit.SECONDS);
    }
    app = TestApp.start(Api.knownAdmin()
        .put("kafka", new JsonObject().put("bootstrap", kafka.bootstrapServers()))
        .put("market", new JsonObject().put("persistFlushMs", 200)
            .put("kafka", new JsonObject().put("topic", TOPIC).put("deadLetterTopic", TOPIC + ".dlt").put("groupId", GROUP)))
        .put("trading", new JsonObject().put("demoStrategy", false)));
    api = new Api(app);
    token = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
    if (kafka != null) kafka.close();
  }

  // Same wire format and timing helpers as the verticle-level Kafka tests.
  static String tick(String symbol, long seq, String price, String size, Instant ts) {
    return MarketDataKafkaTest.tick(symbol, seq, price, size, ts);
  }

  static Instant base() { return MarketDataKafkaTest.base(); }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    MarketDataKafkaTest.await(what, condition);
  }

  static HttpResponse<Buffer> get(String path) {
    return path.startsWith("/api/") ? api.get(path, token) : app.client.get(path).send().await();
  }

  @Test
  void ticksFedOnlyThroughKafkaAreTheTickerAndTheCandlesOfTheRestApi() throws Exception {
    Instant t0 = base();
    List<String> values = new ArrayList<>();
    List<BigDecimal> prices = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      BigDecimal p = new BigDecimal("150.000").add(new BigDecimal(((i * 13) % 17) - 8).movePointLeft(1));
      prices.add(p);
      values.add(tick("SOL-USD", i, p.toPlainString(), "0.25", t0.plusSeconds(i)));
    }
    kafka.send(TOPIC, "SOL-USD", values);

    await("the ticker at the last Kafka tick", () -> {
      HttpResponse<Buffer> r = get("/api/v1/market/tickers/SOL-USD");
      return r.statusCode() == 200 && r.bodyAsJsonObject().getLong("sequence") == 89;
    });
    JsonObject ticker = get("/api/v1/market/tickers/SOL-USD").bodyAsJsonObject();
    assertThat(ticker.getString("source")).isEqualTo("tick");
    assertThat(ticker.getString("price")).isEqualTo(prices.get(89).toPlainString());
    assertThat(ticker.getString("size")).isEqualTo("0.25");
    assertThat(ticker.getString("timestamp")).isEqualTo(t0.plusSeconds(89).toString());

    // Minute 0 is closed by minute 1's first tick; minute 1 ended minutes ago and closes on the sweep.
    String range = "?interval=1m&from=" + t0 + "&to=" + t0.plus(Duration.ofMinutes(2));
    await("both minutes closed", () -> {
      JsonArray items = get("/api/v1/market/candles/SOL-USD" + range).bodyAsJsonObject().getJsonArray("items");
      return items.size() == 2 && items.getJsonObject(1).getBoolean("closed");
    });
    JsonArray items = get("/api/v1/market/candles/SOL-USD" + range).bodyAsJsonObject().getJsonArray("items");
    for (int m = 0; m < 2; m++) {
      List<BigDecimal> minute = prices.subList(m * 60, Math.min(90, m * 60 + 60));
      JsonObject c = items.getJsonObject(m);
      assertThat(c.getString("openTime")).isEqualTo(t0.plus(Duration.ofMinutes(m)).toString());
      assertThat(c.getBoolean("closed")).isTrue();
      assertThat(c.getString("open")).isEqualTo(minute.get(0).toPlainString());
      assertThat(new BigDecimal(c.getString("high"))).isEqualByComparingTo(minute.stream().max(BigDecimal::compareTo).orElseThrow());
      assertThat(new BigDecimal(c.getString("low"))).isEqualByComparingTo(minute.stream().min(BigDecimal::compareTo).orElseThrow());
      assertThat(c.getString("close")).isEqualTo(minute.get(minute.size() - 1).toPlainString());
      assertThat(new BigDecimal(c.getString("volume"))).isEqualByComparingTo(new BigDecimal("0.25").multiply(BigDecimal.valueOf(minute.size())));
      assertThat(c.getLong("trades")).isEqualTo(minute.size());
    }
    // The 1h candle(s) (two when the 90 s straddle an hour) hold all 90.
    JsonArray hours = get("/api/v1/market/candles/SOL-USD?interval=1h&from=" + Interval.H1.bucketStart(t0) + "&to="
        + Interval.H1.bucketStart(t0.plusSeconds(89)).plus(Duration.ofHours(1))).bodyAsJsonObject().getJsonArray("items");
    long hourTrades = 0;
    for (int i = 0; i < hours.size(); i++) hourTrades += hours.getJsonObject(i).getLong("trades");
    assertThat(hourTrades).isEqualTo(90);

    // The metrics of this path: cache hits of the ticker reads, latency of the 90 ticks, everything committed.
    Scrape scrape = new Scrape(get("/metrics").bodyAsString());
    assertThat(scrape.value("bourse_market_cache_requests_total", "result", "hit")).isGreaterThanOrEqualTo(1);
    assertThat(scrape.value("bourse_market_tick_latency_seconds_count")).isGreaterThanOrEqualTo(90);
    assertThat(scrape.value("bourse_market_ticks_accepted_total")).isGreaterThanOrEqualTo(90);
  }

  /**
   * Lag per partition is in /metrics, and a partition assigned caught up (its group offset at its end) reads 0 — it
   * read its end offset (30 here) when lag was computed against "nothing processed yet".
   */
  @Test
  void consumerLagPerPartitionIsExportedAndZeroForACaughtUpPartition() throws Exception {
    await("lag of both partitions in /metrics", () ->
        new Scrape(get("/metrics").bodyAsString()).samples("bourse_market_consumer_lag", "topic", TOPIC).size() == 2);
    Scrape scrape = new Scrape(get("/metrics").bodyAsString());
    assertThat(scrape.samples("bourse_market_consumer_lag", "topic", TOPIC))
        .extracting(s -> s.labels().get("partition")).containsExactlyInAnyOrder("0", "1");
    assertThat(scrape.samples("bourse_market_consumer_lag", "topic", TOPIC)).allSatisfy(s -> assertThat(s.value()).isZero());

    JsonObject market = get("/health/detailed").bodyAsJsonObject().getJsonObject("components").getJsonObject("market");
    JsonObject source = market.getJsonObject("source");
    assertThat(source.getString("source")).isEqualTo("kafka");
    assertThat(source.getJsonArray("assigned")).hasSize(2);
    assertThat(source.getJsonObject("deadLetters").getInteger("pending")).isZero();
    assertThat(market.getJsonObject("metrics").getJsonObject("consumerLag").getMap().values())
        .allSatisfy(v -> assertThat(((Number) v).longValue()).isZero());
    assertThat(market.getJsonObject("checkpoints").getString("scope")).isEqualTo(TOPIC);
  }
}

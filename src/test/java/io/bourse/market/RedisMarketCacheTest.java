package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis cache against a real redis-server on a free port, and the Caffeine one with the same expectations. */
class RedisMarketCacheTest {
  static RedisServer server;
  static Vertx vertx;
  static Redis redis;

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, server.url());
  }

  @AfterAll
  static void stop() {
    if (redis != null) redis.close();
    if (vertx != null) vertx.close().await();
    if (server != null) server.close();
  }

  static Tick tick(String symbol, long seq, String price) {
    return new Tick(symbol, seq, new BigDecimal(price), new BigDecimal("0.5"), new BigDecimal("99.99"), null,
        Instant.parse("2026-11-23T10:00:00.123Z"), 0);
  }

  static Candle candle(int minute, String close) {
    BigDecimal c = new BigDecimal(close);
    return new Candle("BTC-USD", Interval.M1, Instant.parse("2026-11-23T10:00:00Z").plusSeconds(60L * minute),
        c, c, c, c, BigDecimal.ONE, 1);
  }

  @Test
  void latestTickIsWrittenBehindOnlyTheNewestPerSymbolWithTtl() {
    RedisMarketCache cache = new RedisMarketCache(vertx, redis, 60_000, 3, 3_600_000);
    cache.putTick(tick("ETH-USD", 1, "3200.10")).await();
    cache.putTick(tick("ETH-USD", 2, "3200.20")).await();
    assertThat(cache.latestTick("ETH-USD").await()).as("not flushed yet").isNull();
    cache.flush().await();
    Tick got = cache.latestTick("ETH-USD").await();
    assertThat(got.sequence()).isEqualTo(2);
    assertThat(got.price().toPlainString()).isEqualTo("3200.20");
    assertThat(got.bid().toPlainString()).isEqualTo("99.99");
    assertThat(got.ask()).isNull();
    assertThat(got.exchangeTime()).isEqualTo(Instant.parse("2026-11-23T10:00:00.123Z"));
    long pttl = Long.parseLong(server.command("PTTL", "md:tick:ETH-USD").substring(1));
    assertThat(pttl).isBetween(1L, 60_000L);
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);
    assertThat(cache.hitRate()).isEqualTo(0.5);
  }

  @Test
  void entriesExpireAfterTheTtl() throws Exception {
    RedisMarketCache cache = new RedisMarketCache(vertx, redis, 1_000, 3, 3_600_000);
    cache.putTick(tick("SOL-USD", 1, "150.000")).await();
    cache.flush().await();
    assertThat(cache.latestTick("SOL-USD").await()).isNotNull();
    Thread.sleep(1_200);
    assertThat(cache.latestTick("SOL-USD").await()).isNull();
  }

  @Test
  void recentCandlesAreNewestFirstAndCapped() {
    MarketCache[] caches = {
        new RedisMarketCache(vertx, redis, 60_000, 3, 3_600_000),
        new CaffeineMarketCache(java.time.Duration.ofMinutes(1), 3)};
    server.command("DEL", "md:candles:BTC-USD|1m");
    for (MarketCache cache : caches) {
      assertThat(cache.recentCandles("BTC-USD", Interval.M1, 10).await()).isEmpty();
      for (int m = 0; m < 5; m++) cache.putClosedCandle(candle(m, "10" + m)).await();
      List<Candle> got = cache.recentCandles("BTC-USD", Interval.M1, 10).await();
      assertThat(got).extracting(c -> c.close().toPlainString()).containsExactly("104", "103", "102");
      assertThat(got.get(0)).isEqualTo(candle(4, "104"));
      assertThat(cache.recentCandles("BTC-USD", Interval.M1, 2).await()).hasSize(2);
      assertThat(cache.recentCandles("BTC-USD", Interval.M5, 2).await()).isEmpty();
      assertThat(cache.hits()).isEqualTo(2);
      assertThat(cache.misses()).isEqualTo(2);
    }
  }

  @Test
  void theVerticleKeepsLatestTicksInRedisWhenGivenAClient() throws Exception {
    MarketConfig config = MarketConfig.from(new io.vertx.core.json.JsonObject().put("simulated",
        new io.vertx.core.json.JsonObject().put("ticksPerSecond", 700).put("respectSessions", false)),
        new io.bourse.config.ConfigProblems());
    server.command("DEL", "md:tick:BTC-USD");
    String id = vertx.deployVerticle(new MarketDataVerticle(config, null, redis, null)).await();
    try {
      long deadline = System.currentTimeMillis() + 10_000;
      String reply = server.command("EXISTS", "md:tick:BTC-USD");
      while (!":1".equals(reply) && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
        reply = server.command("EXISTS", "md:tick:BTC-USD");
      }
      assertThat(reply).isEqualTo(":1");
    } finally {
      vertx.undeploy(id).await();
    }
  }
}

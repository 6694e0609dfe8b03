package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A restart of the whole service on the same data directory keeps the 1h candle in progress: the new process
 * continues it (open, high, low, volume, trades) instead of starting the hour over from its first tick.
 */
class MarketRestartAppTest {
  static JsonObject config(Path dataDir, int ticksPerSecond) {
    return Api.knownAdmin().put("dataDir", dataDir.toString())
        .put("trading", new JsonObject().put("demoStrategy", false))
        .put("market", new JsonObject().put("persistFlushMs", 200)
            .put("simulated", new JsonObject().put("ticksPerSecond", ticksPerSecond)));
  }

  /** The 1h candle(s) of ETH-USD whose bucket starts at {@code hour}, open or closed, as REST returns them. */
  static JsonArray hourCandles(TestApp app, String token, Instant hour) {
    return new Api(app).get("/api/v1/market/candles/ETH-USD?interval=1h&from=" + hour + "&to="
        + hour.plus(Duration.ofHours(1)), token).bodyAsJsonObject().getJsonArray("items");
  }

  @Test
  void aRestartContinuesTheOpenHourCandle() throws Exception {
    Path dataDir = Files.createTempDirectory("bourse-market-restart");
    JsonObject before;
    TestApp first = TestApp.start(config(dataDir, 400));
    try {
      String token = new Api(first).adminToken();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      do {
        Thread.sleep(200);
        JsonArray items = hourCandles(first, token, Interval.H1.bucketStart(Instant.now()));
        before = items.isEmpty() ? null : items.getJsonObject(items.size() - 1);
        if (System.nanoTime() > deadline) throw new AssertionError("the 1h candle did not reach 200 trades: " + before);
      } while (before == null || before.getLong("trades") < 200);
    } finally {
      first.close(); // the last checkpoint is written on the way down
    }

    // The second process ticks so slowly that nearly everything in its candle must come from the first one.
    TestApp second = TestApp.start(config(dataDir, 1));
    try {
      String token = new Api(second).adminToken();
      JsonArray items = hourCandles(second, token, Instant.parse(before.getString("openTime")));
      // Open (continued) or, if the hour ended meanwhile, closed by the second process: the same candle either way.
      assertThat(items).as("the hour of the first process").hasSize(1);
      JsonObject after = items.getJsonObject(0);
      assertThat(after.getString("open")).isEqualTo(before.getString("open"));
      assertThat(after.getLong("trades")).as("continued, not started over").isGreaterThanOrEqualTo(before.getLong("trades"));
      assertThat(new BigDecimal(after.getString("volume"))).isGreaterThanOrEqualTo(new BigDecimal(before.getString("volume")));
      assertThat(new BigDecimal(after.getString("high"))).isGreaterThanOrEqualTo(new BigDecimal(before.getString("high")));
      assertThat(new BigDecimal(after.getString("low"))).isLessThanOrEqualTo(new BigDecimal(before.getString("low")));
    } finally {
      second.close();
    }
  }
}

package io.bourse.market;

import io.vertx.core.Future;
import java.util.List;

/**
 * Latest tick and recent closed candles per symbol, for the read APIs. In-process (Caffeine) by default; a Redis
 * implementation shares it across instances. Entries expire after the configured TTL. Hit/miss counted for metrics.
 */
public interface MarketCache {
  Future<Void> putTick(Tick tick);

  /** Completes with null when absent or expired (a miss). */
  Future<Tick> latestTick(String symbol);

  Future<Void> putClosedCandle(Candle candle);

  /** Newest first, at most {@code limit}; empty (a miss) when nothing is cached. */
  Future<List<Candle>> recentCandles(String symbol, Interval interval, int limit);

  long hits();

  long misses();

  default double hitRate() {
    long h = hits();
    long total = h + misses();
    return total == 0 ? 0 : (double) h / total;
  }
}

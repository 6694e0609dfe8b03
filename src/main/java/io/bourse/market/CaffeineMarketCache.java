package io.bourse.market;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** In-process cache; calls complete immediately. Candle lists are bounded to {@code recentCandles} per key. */
public final class CaffeineMarketCache implements MarketCache {
  private final Cache<String, Tick> ticks;
  private final Cache<String, Deque<Candle>> candles;
  private final int maxCandles;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public CaffeineMarketCache(Duration ttl, int maxCandles) {
    this.ticks = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
    this.candles = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
    this.maxCandles = maxCandles;
  }

  @Override public Future<Void> putTick(Tick tick) {
    ticks.put(tick.symbol(), tick);
    return Future.succeededFuture();
  }

  @Override public Future<Tick> latestTick(String symbol) {
    Tick t = ticks.getIfPresent(symbol);
    (t == null ? misses : hits).increment();
    return Future.succeededFuture(t);
  }

  @Override public Future<Void> putClosedCandle(Candle c) {
    // Deques are only mutated under the map's compute lock, and copied out on read.
    candles.asMap().compute(key(c.symbol(), c.interval()), (k, q) -> {
      Deque<Candle> d = q == null ? new ArrayDeque<>() : q;
      d.addFirst(c);
      while (d.size() > maxCandles) d.removeLast();
      return d;
    });
    return Future.succeededFuture();
  }

  @Override public Future<List<Candle>> recentCandles(String symbol, Interval interval, int limit) {
    List<Candle> out = new ArrayList<>();
    candles.asMap().computeIfPresent(key(symbol, interval), (k, d) -> {
      for (Iterator<Candle> it = d.iterator(); it.hasNext() && out.size() < limit; ) out.add(it.next());
      return d;
    });
    (out.isEmpty() ? misses : hits).increment();
    return Future.succeededFuture(out);
  }

  @Override public long hits() { return hits.sum(); }

  @Override public long misses() { return misses.sum(); }

  private static String key(String symbol, Interval interval) { return symbol + "|" + interval.code(); }
}

package io.bourse.market;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis-backed cache shared by every instance. Latest ticks are write-behind: the newest tick per symbol is kept
 * locally and flushed in one pipelined batch every {@code flushMs}, so 100k ticks/s cost a few dozen Redis writes per
 * second instead of 100k. Candle lists are capped with LTRIM. Every key carries the TTL. Keys: {@code md:tick:SYM},
 * {@code md:candles:SYM|1m}. Owned by one context (the dirty map is not shared).
 */
public final class RedisMarketCache implements MarketCache {
  private static final Logger log = LoggerFactory.getLogger(RedisMarketCache.class);

  private final Redis redis;
  private final long ttlMs;
  private final int maxCandles;
  private final Map<String, Tick> dirty = new HashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final Vertx vertx;
  private final long timer;

  public RedisMarketCache(Vertx vertx, Redis redis, long ttlMs, int maxCandles, long flushMs) {
    this.vertx = vertx;
    this.redis = redis;
    this.ttlMs = ttlMs;
    this.maxCandles = maxCandles;
    this.timer = vertx.setPeriodic(flushMs, id -> flush());
  }

  @Override public Future<Void> putTick(Tick tick) {
    dirty.put(tick.symbol(), tick);
    return Future.succeededFuture();
  }

  /** Writes the newest pending tick of each symbol; completes when Redis has them. */
  public Future<Void> flush() {
    if (dirty.isEmpty()) return Future.succeededFuture();
    List<Request> batch = new ArrayList<>(dirty.size());
    dirty.forEach((symbol, t) -> batch.add(Request.cmd(Command.SET).arg(tickKey(symbol))
        .arg(MarketJson.tick(t).encode()).arg("PX").arg(ttlMs)));
    dirty.clear();
    return redis.batch(batch).<Void>mapEmpty()
        .onFailure(e -> log.warn("Could not write {} latest ticks to Redis: {}", batch.size(), e.toString()));
  }

  @Override public Future<Tick> latestTick(String symbol) {
    return redis.send(Request.cmd(Command.GET).arg(tickKey(symbol))).map(r -> {
      if (r == null) {
        misses.increment();
        return null;
      }
      hits.increment();
      return MarketJson.tickFromJson(new JsonObject(r.toString()));
    });
  }

  @Override public Future<Void> putClosedCandle(Candle c) {
    String key = candleKey(c.symbol(), c.interval());
    return redis.batch(List.of(
        Request.cmd(Command.LPUSH).arg(key).arg(MarketJson.candle(c).encode()),
        Request.cmd(Command.LTRIM).arg(key).arg(0).arg(maxCandles - 1),
        Request.cmd(Command.PEXPIRE).arg(key).arg(ttlMs))).mapEmpty();
  }

  @Override public Future<List<Candle>> recentCandles(String symbol, Interval interval, int limit) {
    return redis.send(Request.cmd(Command.LRANGE).arg(candleKey(symbol, interval)).arg(0).arg(limit - 1)).map(r -> {
      List<Candle> out = new ArrayList<>();
      if (r != null) for (Response item : r) out.add(MarketJson.candleFromJson(new JsonObject(item.toString())));
      (out.isEmpty() ? misses : hits).increment();
      return out;
    });
  }

  @Override public long hits() { return hits.sum(); }

  @Override public long misses() { return misses.sum(); }

  /**
   * Flushes the pending latest ticks, but never holds up shutdown for long: the cache is rebuilt from the feed, and a
   * Redis that accepts connections but does not answer must not keep the process from stopping.
   */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    return flush().timeout(CLOSE_FLUSH_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture());
  }

  private static final long CLOSE_FLUSH_TIMEOUT_MS = 2_000;

  static String tickKey(String symbol) { return "md:tick:" + symbol; }

  static String candleKey(String symbol, Interval interval) { return "md:candles:" + symbol + "|" + interval.code(); }
}

package io.bourse.market;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/** JSON forms of ticks and candles for the bridge, the cache and the store; decimals as strings (ARCHITECTURE §4). */
public final class MarketJson {
  private MarketJson() {}

  public static JsonObject tick(Tick t) {
    JsonObject o = new JsonObject()
        .put("symbol", t.symbol())
        .put("sequence", t.sequence())
        .put("price", t.price().toPlainString())
        .put("size", t.size().toPlainString())
        .put("timestamp", t.exchangeTime().toString());
    if (t.bid() != null) o.put("bid", t.bid().toPlainString());
    if (t.ask() != null) o.put("ask", t.ask().toPlainString());
    return o;
  }

  /** Reads back what {@link #tick} wrote (cache); not for untrusted input, which goes through the validator. */
  public static Tick tickFromJson(JsonObject o) {
    return new Tick(o.getString("symbol"), o.getLong("sequence"), new BigDecimal(o.getString("price")),
        new BigDecimal(o.getString("size")), o.getString("bid") == null ? null : new BigDecimal(o.getString("bid")),
        o.getString("ask") == null ? null : new BigDecimal(o.getString("ask")),
        java.time.Instant.parse(o.getString("timestamp")), 0L);
  }

  public static JsonObject candle(Candle c) {
    return new JsonObject()
        .put("symbol", c.symbol())
        .put("interval", c.interval().code())
        .put("openTime", c.openTime().toString())
        .put("openTimeMs", c.openTime().toEpochMilli())
        .put("closeTime", c.closeTime().toString())
        .put("open", c.open().toPlainString())
        .put("high", c.high().toPlainString())
        .put("low", c.low().toPlainString())
        .put("close", c.close().toPlainString())
        .put("volume", c.volume().toPlainString())
        .put("trades", c.trades());
  }

  public static Candle candleFromJson(JsonObject o) {
    return new Candle(o.getString("symbol"), Interval.parse(o.getString("interval")).orElseThrow(),
        java.time.Instant.ofEpochMilli(o.getLong("openTimeMs")), new BigDecimal(o.getString("open")),
        new BigDecimal(o.getString("high")), new BigDecimal(o.getString("low")), new BigDecimal(o.getString("close")),
        new BigDecimal(o.getString("volume")), o.getLong("trades"));
  }
}

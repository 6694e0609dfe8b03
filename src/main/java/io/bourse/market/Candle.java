package io.bourse.market;

import java.math.BigDecimal;
import java.time.Instant;

/** OHLCV for one symbol and one UTC-aligned bucket [openTime, openTime + interval). */
public record Candle(String symbol, Interval interval, Instant openTime, BigDecimal open, BigDecimal high,
                     BigDecimal low, BigDecimal close, BigDecimal volume, long trades) {

  public Instant closeTime() {
    return openTime.plusMillis(interval.millis());
  }

  Candle with(Tick t) {
    return new Candle(symbol, interval, openTime, open,
        t.price().compareTo(high) > 0 ? t.price() : high,
        t.price().compareTo(low) < 0 ? t.price() : low,
        t.price(), volume.add(t.size()), trades + 1);
  }

  static Candle first(Tick t, Interval interval, Instant openTime) {
    return new Candle(t.symbol(), interval, openTime, t.price(), t.price(), t.price(), t.price(), t.size(), 1);
  }
}

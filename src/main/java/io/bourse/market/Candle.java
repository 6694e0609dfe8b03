package io.bourse.market;

import java.math.BigDecimal;
import java.time.Instant;

/** OHLCV for one symbol and one UTC-aligned bucket [openTime, openTime + interval). */
public record Candle(String symbol, Interval interval, Instant openTime, BigDecimal open, BigDecimal high,
                     BigDecimal low, BigDecimal close, BigDecimal volume, long trades) {

  public Instant closeTime() {
    return openTime.plusMillis(interval.millis());
  }
}

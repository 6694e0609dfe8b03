package io.bourse.market;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One validated trade/quote update. Prices are exact decimals. {@code sequence} is the producer's per-symbol sequence
 * used for deduplication; {@code receivedNanos} is {@link System#nanoTime()} at ingestion, only meaningful inside this
 * JVM, for tick-to-bus latency. {@code bid}/{@code ask} may be null.
 */
public record Tick(String symbol, long sequence, BigDecimal price, BigDecimal size, BigDecimal bid, BigDecimal ask,
                   Instant exchangeTime, long receivedNanos) {

  public Tick {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(exchangeTime, "exchangeTime");
  }
}

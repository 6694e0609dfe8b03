package io.bourse.trading.strategy;

/**
 * A streaming indicator: O(1) work per value, no history re-scan.
 *
 * <p>Indicators compute in {@code double} on purpose. They are statistics feeding a threshold decision, never amounts
 * that are booked, and doubles are what keep 1,000 profiles inside the per-tick budget. Every number that becomes part
 * of an order (quantity, stop levels, the price compared against them) is computed in BigDecimal from the tick's exact
 * price, so the "never double for money" rule holds where money is concerned.
 */
public interface Indicator {
  void update(double value);

  /** False until enough values have arrived for {@link #value()} to mean what its name says. */
  boolean ready();

  double value();
}

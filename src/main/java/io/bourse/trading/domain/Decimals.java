package io.bourse.trading.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money, prices and quantities are {@link BigDecimal}, never {@code double}.
 *
 * <p>Why BigDecimal rather than exchange-core's scaled longs: instruments here arrive from several sources with
 * different tick and lot precisions (crypto lots of 1e-8, equities of 1), the REST surface speaks decimal strings,
 * and the order path is bounded by the venue round trip, not by arithmetic. BigDecimal keeps every product exact
 * without a per-instrument scale table. Only two operations can lose digits, and each has one rule here:
 * <ul>
 *   <li>Divisions (average prices) round HALF_EVEN to {@link #PRICE_SCALE}; they are reported, never booked.</li>
 *   <li>Estimates that are booked (reservations) round UP to {@link #MONEY_SCALE}, so a reservation never
 *       under-covers what it estimates.</li>
 * </ul>
 * Products that are booked (fill cost = quantity × price, venue fees) are kept exact, so cash moved always
 * equals Σ fill quantity × price to the last digit.
 */
public final class Decimals {
  public static final int MONEY_SCALE = 8;
  public static final int PRICE_SCALE = 12;

  private Decimals() {}

  public static boolean isPositive(BigDecimal value) { return value != null && value.signum() > 0; }

  public static boolean isMultipleOf(BigDecimal value, BigDecimal step) {
    return step == null || step.signum() == 0 || value.remainder(step).signum() == 0;
  }

  /** Rounds a booked estimate up, so the estimate always covers what it stands for. */
  public static BigDecimal roundUpMoney(BigDecimal value) {
    return value.setScale(MONEY_SCALE, RoundingMode.UP);
  }

  public static BigDecimal divideForPrice(BigDecimal dividend, BigDecimal divisor) {
    return dividend.divide(divisor, PRICE_SCALE, RoundingMode.HALF_EVEN);
  }

  /** Floors a quantity to whole lots; sizing must never round an order up past what was budgeted. */
  public static BigDecimal floorToLot(BigDecimal quantity, BigDecimal lotSize) {
    if (lotSize == null || lotSize.signum() == 0) return quantity;
    return quantity.divide(lotSize, 0, RoundingMode.DOWN).multiply(lotSize);
  }

  /** Requires a strictly positive value, naming the field in the message the caller will see. */
  public static BigDecimal requirePositive(BigDecimal value, String field) {
    if (!isPositive(value)) throw new IllegalArgumentException(field + " must be a positive decimal, was " + value);
    return value;
  }
}

package io.bourse.trading.domain.risk;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Configurable pre-trade limits; a null component means "no limit", so an account or profile lists only what it
 * restricts. {@link #overriddenBy} layers a profile's limits over its account's.
 *
 * @param maxOrderNotional largest quantity × price of one order, in the quote currency
 * @param maxPositionQuantity largest absolute position, counting what open orders could still add
 * @param priceBandFraction largest distance of a limit price from the last price, as a fraction (0.05 = 5 %)
 * @param maxOpenOrders largest number of open (non-terminal) orders on the account
 * @param maxOrdersPerMinute largest number of orders accepted in any trailing minute
 * @param dailyLossLimit largest loss (positive number) of realized today + unrealized before only reducing is allowed
 * @param maxMarketDataAge oldest last price a risk-increasing order may be decided on
 */
public record RiskLimits(
    BigDecimal maxOrderNotional,
    BigDecimal maxPositionQuantity,
    BigDecimal priceBandFraction,
    Integer maxOpenOrders,
    Integer maxOrdersPerMinute,
    BigDecimal dailyLossLimit,
    Duration maxMarketDataAge) {

  public static final RiskLimits UNLIMITED = new RiskLimits(null, null, null, null, null, null, null);

  public RiskLimits overriddenBy(RiskLimits specific) {
    if (specific == null) return this;
    return new RiskLimits(
        pick(specific.maxOrderNotional, maxOrderNotional),
        pick(specific.maxPositionQuantity, maxPositionQuantity),
        pick(specific.priceBandFraction, priceBandFraction),
        pick(specific.maxOpenOrders, maxOpenOrders),
        pick(specific.maxOrdersPerMinute, maxOrdersPerMinute),
        pick(specific.dailyLossLimit, dailyLossLimit),
        pick(specific.maxMarketDataAge, maxMarketDataAge));
  }

  private static <T> T pick(T specific, T general) { return specific != null ? specific : general; }
}

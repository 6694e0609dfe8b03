package io.bourse.trading.domain.risk;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Configurable pre-trade limits; a null component means "no limit", so an account or profile lists only what it
 * restricts. {@link #tightenedBy} layers more specific limits (an account's, a profile's) over general ones: they can
 * only make a limit stricter, never lift what the operator configured above them.
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

  /**
   * An operator's more specific limits (an account's) replace these where they are set, looser or stricter: the
   * operator configures both layers. Use {@link #tightenedBy} for layers a trader configures.
   */
  public RiskLimits overriddenBy(RiskLimits specific) {
    if (specific == null) return this;
    return new RiskLimits(
        specific.maxOrderNotional != null ? specific.maxOrderNotional : maxOrderNotional,
        specific.maxPositionQuantity != null ? specific.maxPositionQuantity : maxPositionQuantity,
        specific.priceBandFraction != null ? specific.priceBandFraction : priceBandFraction,
        specific.maxOpenOrders != null ? specific.maxOpenOrders : maxOpenOrders,
        specific.maxOrdersPerMinute != null ? specific.maxOrdersPerMinute : maxOrdersPerMinute,
        specific.dailyLossLimit != null ? specific.dailyLossLimit : dailyLossLimit,
        specific.maxMarketDataAge != null ? specific.maxMarketDataAge : maxMarketDataAge);
  }

  /** Each limit the stricter (smaller) of the two; a limit either side leaves unset is the other side's. */
  public RiskLimits tightenedBy(RiskLimits specific) {
    if (specific == null) return this;
    return new RiskLimits(
        stricter(specific.maxOrderNotional, maxOrderNotional),
        stricter(specific.maxPositionQuantity, maxPositionQuantity),
        stricter(specific.priceBandFraction, priceBandFraction),
        stricter(specific.maxOpenOrders, maxOpenOrders),
        stricter(specific.maxOrdersPerMinute, maxOrdersPerMinute),
        stricter(specific.dailyLossLimit, dailyLossLimit),
        stricter(specific.maxMarketDataAge, maxMarketDataAge));
  }

  private static <T extends Comparable<? super T>> T stricter(T specific, T general) {
    if (specific == null) return general;
    if (general == null) return specific;
    return specific.compareTo(general) < 0 ? specific : general;
  }
}

package io.bourse.trading.domain;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import java.math.BigDecimal;

/**
 * How much capital a working order holds. A buy holds its worst-case cost plus the estimated fee; a sell holds only
 * the fee, because its proceeds are received, not paid (short exposure is bounded by the max-position rule, not by
 * cash). A market order has no price of its own, so it is valued at the reference (last) price widened by the
 * slippage buffer.
 *
 * @param feeRate estimated venue fee as a fraction of notional (0.001 = 10 bp)
 * @param marketSlippageBuffer fraction added to the reference price for market orders (0.02 = 2 %)
 */
public record ReservationPolicy(BigDecimal feeRate, BigDecimal marketSlippageBuffer) {
  public static final ReservationPolicy DEFAULT = new ReservationPolicy(new BigDecimal("0.001"), new BigDecimal("0.02"));

  public ReservationPolicy {
    if (feeRate == null || feeRate.signum() < 0) throw new IllegalArgumentException("feeRate must be >= 0");
    if (marketSlippageBuffer == null || marketSlippageBuffer.signum() < 0) {
      throw new IllegalArgumentException("marketSlippageBuffer must be >= 0");
    }
  }

  /** The price an order is valued at for reservations and notional limits; null if a market order has no reference. */
  public static BigDecimal valuationPrice(PlaceOrder order, BigDecimal referencePrice) {
    return order.type() == OrderType.MARKET ? referencePrice : order.price();
  }

  public BigDecimal reservationFor(PlaceOrder order, BigDecimal referencePrice) {
    BigDecimal price = valuationPrice(order, referencePrice);
    if (price == null) {
      throw new BourseException(ErrorCode.ORD_STALE_MARKET_DATA,
          "No last price for " + order.symbol() + " to value a MARKET order");
    }
    if (order.type() == OrderType.MARKET) price = price.multiply(BigDecimal.ONE.add(marketSlippageBuffer));
    BigDecimal notional = order.quantity().multiply(price);
    BigDecimal fee = notional.multiply(feeRate);
    return Decimals.roundUpMoney(order.side() == Side.BUY ? notional.add(fee) : fee);
  }
}

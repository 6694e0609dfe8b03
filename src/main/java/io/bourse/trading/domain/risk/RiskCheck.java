package io.bourse.trading.domain.risk;

import io.bourse.trading.domain.InstrumentSpec;
import io.bourse.trading.domain.PlaceOrder;
import io.bourse.trading.domain.Position;
import io.bourse.trading.domain.ReservationPolicy;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TradingAccount;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.function.Function;

/**
 * Everything the rules judge one order on, gathered once so each rule is a pure function of it.
 *
 * @param instrument null when the symbol is unknown
 * @param lastPrice null when no tick has been seen
 * @param openSameSideQuantity unfilled quantity of open orders on the order's side (Knight: count what is pending, not
 *     only what is filled)
 * @param requiredCapital what the order would reserve; null when it cannot be valued (market order, no price)
 */
public record RiskCheck(
    PlaceOrder order,
    InstrumentSpec instrument,
    TradingState tradingState,
    MarketSession session,
    BigDecimal lastPrice,
    Instant lastPriceAt,
    Instant now,
    Position position,
    BigDecimal openSameSideQuantity,
    int openOrders,
    int ordersInLastMinute,
    BigDecimal dailyPnl,
    BigDecimal availableCapital,
    BigDecimal requiredCapital,
    RiskLimits limits) {

  /** Builds the check from the account's current state (call on the account's single writer). */
  public static RiskCheck of(TradingAccount account, PlaceOrder order, InstrumentSpec instrument,
      TradingState tradingState, MarketSession session, BigDecimal lastPrice, Instant lastPriceAt, Instant now,
      Function<String, BigDecimal> markPrices, RiskLimits limits) {
    ReservationPolicy policy = account.reservationPolicy();
    boolean valuable = ReservationPolicy.valuationPrice(order, lastPrice) != null;
    String currency = instrument == null ? null : instrument.quoteCurrency();
    return new RiskCheck(order, instrument, tradingState, session, lastPrice, lastPriceAt, now,
        account.position(order.symbol()), account.openQuantity(order.symbol(), order.side()),
        account.openOrderCount(), account.ordersPlacedInLastMinute(now), account.dailyPnl(now, markPrices),
        currency == null ? BigDecimal.ZERO : account.ledger().available(currency),
        valuable ? policy.reservationFor(order, lastPrice) : null, limits);
  }

  /**
   * Reduces the absolute position without crossing zero even if every open order on the same side fills too, so two
   * "reducing" sells cannot together flip a long into a short.
   */
  public boolean reducesPosition() {
    return position.isReducedBy(order.side(), order.quantity().add(openSameSideQuantity));
  }

  /** Limit or stop-limit price, or the last price for a market order; null if neither exists. */
  public BigDecimal valuationPrice() { return ReservationPolicy.valuationPrice(order, lastPrice); }

  public BigDecimal notional() {
    BigDecimal price = valuationPrice();
    return price == null ? null : order.quantity().multiply(price);
  }

  /** The position if this order and every open order on its side filled. */
  public BigDecimal worstCasePosition() {
    Side side = order.side();
    return position.quantity().add(side.signed(openSameSideQuantity.add(order.quantity())));
  }
}

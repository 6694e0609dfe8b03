package io.bourse.trading.domain.risk;

/**
 * Kill-switch levels (FIA guide §1.11, NautilusTrader's TradingState): ACTIVE trades normally, REDUCING accepts only
 * orders that shrink an existing position, HALTED accepts no new order (cancels always remain possible).
 */
public enum TradingState {
  ACTIVE, REDUCING, HALTED;

  /** Global and per-profile switches combine to the stricter one, so neither can loosen the other. */
  public TradingState stricter(TradingState other) {
    return other != null && other.ordinal() > ordinal() ? other : this;
  }
}

package io.bourse.trading.domain;

import java.math.BigDecimal;

public enum Side {
  BUY, SELL;

  /** The sign a fill of this side adds to a position. */
  public BigDecimal signed(BigDecimal quantity) { return this == BUY ? quantity : quantity.negate(); }

  public Side opposite() { return this == BUY ? SELL : BUY; }
}

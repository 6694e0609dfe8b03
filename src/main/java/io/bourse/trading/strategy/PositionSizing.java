package io.bourse.trading.strategy;

import io.bourse.trading.domain.Decimals;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** How much a profile buys on entry; always floored to whole lots so it never spends more than configured. */
public sealed interface PositionSizing {

  /** Quantity to order at this price; zero when not even one lot fits. */
  BigDecimal quantity(BigDecimal price, BigDecimal lotSize);

  record FixedQuantity(BigDecimal quantity) implements PositionSizing {
    public FixedQuantity { Decimals.requirePositive(quantity, "quantity"); }

    @Override
    public BigDecimal quantity(BigDecimal price, BigDecimal lotSize) { return Decimals.floorToLot(quantity, lotSize); }
  }

  record FixedNotional(BigDecimal notional) implements PositionSizing {
    private static final int QUANTITY_SCALE = 18;

    public FixedNotional { Decimals.requirePositive(notional, "notional"); }

    @Override
    public BigDecimal quantity(BigDecimal price, BigDecimal lotSize) {
      return Decimals.floorToLot(notional.divide(price, QUANTITY_SCALE, RoundingMode.DOWN), lotSize);
    }
  }
}

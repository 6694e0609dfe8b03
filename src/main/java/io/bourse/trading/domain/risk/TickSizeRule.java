package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import io.bourse.trading.domain.Decimals;
import java.math.BigDecimal;
import java.util.Optional;

/** Limit and stop prices must sit on the instrument's tick grid. */
public final class TickSizeRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal tick = check.instrument().tickSize();
    for (BigDecimal price : new BigDecimal[] {check.order().price(), check.order().stopPrice()}) {
      if (price != null && !Decimals.isMultipleOf(price, tick)) {
        return reject(ErrorCode.ORD_TICK_SIZE, "Price " + price.toPlainString() + " is not a multiple of tickSize "
            + tick.toPlainString());
      }
    }
    return Optional.empty();
  }
}

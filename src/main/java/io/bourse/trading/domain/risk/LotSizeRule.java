package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import io.bourse.trading.domain.Decimals;
import java.math.BigDecimal;
import java.util.Optional;

/** Quantities must be whole lots. */
public final class LotSizeRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal lot = check.instrument().lotSize();
    return Decimals.isMultipleOf(check.order().quantity(), lot) ? Optional.empty()
        : reject(ErrorCode.ORD_LOT_SIZE, "Quantity " + check.order().quantity().toPlainString()
            + " is not a multiple of lotSize " + lot.toPlainString());
  }
}

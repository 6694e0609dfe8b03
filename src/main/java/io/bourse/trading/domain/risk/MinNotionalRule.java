package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.util.Optional;

/** Refuses orders below the instrument's minimum notional (venues reject them anyway, after a round trip). */
public final class MinNotionalRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal notional = check.notional();
    BigDecimal minimum = check.instrument().minNotional();
    return notional == null || notional.compareTo(minimum) >= 0 ? Optional.empty()
        : reject(ErrorCode.ORD_MIN_NOTIONAL, "Notional " + notional.toPlainString() + " is below minNotional "
            + minimum.toPlainString());
  }
}

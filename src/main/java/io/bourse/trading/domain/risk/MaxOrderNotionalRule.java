package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.util.Optional;

/** Caps the value of one order. */
public final class MaxOrderNotionalRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal limit = check.limits().maxOrderNotional();
    BigDecimal notional = check.notional();
    return limit == null || notional == null || notional.compareTo(limit) <= 0 ? Optional.empty()
        : reject(ErrorCode.ORD_MAX_NOTIONAL, "Notional " + notional.toPlainString() + " exceeds maxOrderNotional "
            + limit.toPlainString());
  }
}

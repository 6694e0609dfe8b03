package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.util.Optional;

/** The order's reservation must fit in the available capital of its quote currency. */
public final class SufficientCapitalRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal required = check.requiredCapital();
    if (required == null || required.compareTo(check.availableCapital()) <= 0) return Optional.empty();
    return reject(ErrorCode.ORD_INSUFFICIENT_CAPITAL, "Order needs " + required.stripTrailingZeros().toPlainString() + " "
        + check.instrument().quoteCurrency() + " but only " + check.availableCapital().toPlainString() + " is available");
  }
}

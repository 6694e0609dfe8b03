package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.util.Optional;

/** Caps the absolute position the account could reach if this and every open order on its side filled. */
public final class MaxPositionRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal limit = check.limits().maxPositionQuantity();
    if (limit == null || check.reducesPosition()) return Optional.empty();
    BigDecimal worstCase = check.worstCasePosition();
    return worstCase.abs().compareTo(limit) <= 0 ? Optional.empty()
        : reject(ErrorCode.ORD_MAX_POSITION, "Position in " + check.order().symbol() + " could reach "
            + worstCase.toPlainString() + ", beyond maxPositionQuantity " + limit.toPlainString());
  }
}

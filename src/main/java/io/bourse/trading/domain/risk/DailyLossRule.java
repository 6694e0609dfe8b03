package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.util.Optional;

/** After the day's loss reaches the limit only reducing orders pass, so losses can be cut but not extended. */
public final class DailyLossRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal limit = check.limits().dailyLossLimit();
    if (limit == null || check.reducesPosition()) return Optional.empty();
    return check.dailyPnl().compareTo(limit.negate()) > 0 ? Optional.empty()
        : reject(ErrorCode.ORD_DAILY_LOSS, "Today's PnL " + check.dailyPnl().toPlainString()
            + " has reached dailyLossLimit " + limit.toPlainString());
  }
}

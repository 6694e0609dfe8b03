package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.util.Optional;

/** Caps orders per trailing minute: the runaway-loop guard (Knight Capital sent 4 million orders in 45 minutes). */
public final class OrderRateRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    Integer limit = check.limits().maxOrdersPerMinute();
    return limit == null || check.ordersInLastMinute() < limit ? Optional.empty()
        : reject(ErrorCode.ORD_RATE_LIMIT, check.ordersInLastMinute() + " orders in the last minute, maxOrdersPerMinute is "
            + limit);
  }
}

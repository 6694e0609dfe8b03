package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.util.Optional;

/** Caps how many orders may be working at once. */
public final class MaxOpenOrdersRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    Integer limit = check.limits().maxOpenOrders();
    return limit == null || check.openOrders() < limit ? Optional.empty()
        : reject(ErrorCode.ORD_MAX_OPEN_ORDERS, check.openOrders() + " orders are open, maxOpenOrders is " + limit);
  }
}

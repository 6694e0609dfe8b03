package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.util.Optional;

/** Kill switch: HALTED refuses every new order; REDUCING lets through only orders that shrink a position. */
public final class TradingStateRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    return switch (check.tradingState()) {
      case ACTIVE -> Optional.empty();
      case HALTED -> reject(ErrorCode.ORD_TRADING_DISABLED, "Trading is HALTED"
          + (check.order().profileId() == null ? "" : " for profile " + check.order().profileId()));
      case REDUCING -> check.reducesPosition() ? Optional.empty()
          : reject(ErrorCode.ORD_REDUCE_ONLY, "Trading is REDUCING: only orders that reduce the "
              + check.position().quantity() + " " + check.order().symbol() + " position are accepted");
    };
  }
}

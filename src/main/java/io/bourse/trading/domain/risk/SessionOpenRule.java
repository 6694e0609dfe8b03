package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.util.Optional;

/** Refuses orders while the symbol's market session is closed. */
public final class SessionOpenRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    return check.session().isOpen(check.order().symbol(), check.now()) ? Optional.empty()
        : reject(ErrorCode.ORD_MARKET_CLOSED, "Market for " + check.order().symbol() + " is closed at " + check.now());
  }
}

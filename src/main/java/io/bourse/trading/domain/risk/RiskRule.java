package io.bourse.trading.domain.risk;

import java.util.Optional;

/** One pre-trade control. Rules are stateless; everything they judge is in the {@link RiskCheck}. */
@FunctionalInterface
public interface RiskRule {
  Optional<RiskRejection> check(RiskCheck check);
}

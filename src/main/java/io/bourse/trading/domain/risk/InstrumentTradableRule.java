package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.util.Optional;

/** Refuses symbols the instrument list does not know or marks untradable. */
public final class InstrumentTradableRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    if (check.instrument() == null) {
      return reject(ErrorCode.ORD_UNKNOWN_INSTRUMENT, "Unknown instrument " + check.order().symbol());
    }
    return check.instrument().tradable() ? Optional.empty()
        : reject(ErrorCode.ORD_UNKNOWN_INSTRUMENT, "Instrument " + check.order().symbol() + " is not tradable");
  }
}

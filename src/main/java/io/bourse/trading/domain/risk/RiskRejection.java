package io.bourse.trading.domain.risk;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import java.util.Optional;

/** Why a rule refused an order: the catalogue code and a message naming the limit and the offending value. */
public record RiskRejection(ErrorCode code, String message) {
  public static Optional<RiskRejection> reject(ErrorCode code, String message) {
    return Optional.of(new RiskRejection(code, message));
  }

  public BourseException toException() { return new BourseException(code, message); }
}

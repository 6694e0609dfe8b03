package io.bourse.trading.strategy;

import java.math.BigDecimal;

/**
 * Protective exits as fractions of the entry (or of the high since entry, for the trailing stop); null disables one.
 * Levels are exact decimals computed once at entry, so the per-tick cost is a comparison.
 */
public record ExitRules(BigDecimal stopLossFraction, BigDecimal takeProfitFraction, BigDecimal trailingStopFraction) {
  public static final ExitRules NONE = new ExitRules(null, null, null);

  public ExitRules {
    for (BigDecimal fraction : new BigDecimal[] {stopLossFraction, takeProfitFraction, trailingStopFraction}) {
      if (fraction != null && (fraction.signum() <= 0 || fraction.compareTo(BigDecimal.ONE) >= 0)) {
        throw new IllegalArgumentException("exit fractions must be in (0, 1), got " + fraction);
      }
    }
  }
}

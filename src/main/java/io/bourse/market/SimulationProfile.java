package io.bourse.market;

import java.math.BigDecimal;

/** Starting price and annualised volatility for the simulated feed (e.g. 0.6 = 60 %/year for BTC). */
public record SimulationProfile(BigDecimal startPrice, double annualVolatility) {
  public SimulationProfile {
    if (startPrice == null || startPrice.signum() <= 0) throw new IllegalArgumentException("startPrice must be positive");
    if (!(annualVolatility >= 0 && annualVolatility < 10)) throw new IllegalArgumentException("volatility must be in [0, 10)");
  }
}

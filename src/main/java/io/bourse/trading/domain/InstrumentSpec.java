package io.bourse.trading.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The few instrument facts the trading core needs. Kept apart from the market package's instrument so the domain
 * has no dependency on it; an adapter maps one to the other.
 *
 * @param minNotional smallest quantity × price accepted, in the quote currency; zero for none
 */
public record InstrumentSpec(String symbol, String quoteCurrency, BigDecimal tickSize, BigDecimal lotSize,
    BigDecimal minNotional, boolean tradable) {

  public InstrumentSpec {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(quoteCurrency, "quoteCurrency");
    Decimals.requirePositive(tickSize, "tickSize");
    Decimals.requirePositive(lotSize, "lotSize");
    if (minNotional == null || minNotional.signum() < 0) throw new IllegalArgumentException("minNotional must be >= 0");
  }
}

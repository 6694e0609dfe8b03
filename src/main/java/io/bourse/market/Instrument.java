package io.bourse.market;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An instrument. Increments are exact decimals: a price is valid when it is a multiple of {@code tickSize}, a quantity
 * when it is a multiple of {@code lotSize}. {@code tradable} false (a suspended listing) keeps its market data flowing
 * and refuses orders ({@code ERR_ORD_005}).
 */
public record Instrument(String symbol, AssetClass assetClass, String quoteCurrency, BigDecimal tickSize,
                         BigDecimal lotSize, BigDecimal minNotional, TradingSession session, boolean tradable) {

  public Instrument(String symbol, AssetClass assetClass, String quoteCurrency, BigDecimal tickSize, BigDecimal lotSize,
                    BigDecimal minNotional, TradingSession session) {
    this(symbol, assetClass, quoteCurrency, tickSize, lotSize, minNotional, session, true);
  }

  public Instrument {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(assetClass, "assetClass");
    Objects.requireNonNull(quoteCurrency, "quoteCurrency");
    Objects.requireNonNull(session, "session");
    if (!symbol.matches("[A-Z0-9][A-Z0-9._-]{0,31}")) {
      throw new IllegalArgumentException("symbol '" + symbol + "' must be 1-32 upper-case letters, digits, '.', '_' or '-'");
    }
    requirePositive("tickSize", tickSize);
    requirePositive("lotSize", lotSize);
    Objects.requireNonNull(minNotional, "minNotional");
    if (minNotional.signum() < 0) throw new IllegalArgumentException("minNotional must not be negative");
  }

  private static void requirePositive(String name, BigDecimal value) {
    Objects.requireNonNull(value, name);
    if (value.signum() <= 0) throw new IllegalArgumentException(name + " must be positive");
  }

  public boolean isOnTick(BigDecimal price) {
    return price.remainder(tickSize).signum() == 0;
  }
}

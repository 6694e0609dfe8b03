package io.bourse.market;

import java.util.Locale;

/** What an instrument is; drives defaults such as the trading session and simulated volatility. */
public enum AssetClass {
  CRYPTO, STABLECOIN, TOKENIZED_TREASURY, EQUITY;

  /** Accepts the wire form in any case, with '-' or '_' ("tokenized-treasury", "TOKENIZED_TREASURY"). */
  public static AssetClass parse(String raw) {
    if (raw == null) throw new IllegalArgumentException("asset class is missing");
    try {
      return valueOf(raw.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown asset class '" + raw + "'");
    }
  }
}

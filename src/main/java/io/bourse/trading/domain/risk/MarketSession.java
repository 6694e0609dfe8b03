package io.bourse.trading.domain.risk;

import java.time.Instant;

/** Whether a symbol's market is open; the market package's session calendar plugs in here. */
@FunctionalInterface
public interface MarketSession {
  MarketSession ALWAYS_OPEN = (symbol, at) -> true;

  boolean isOpen(String symbol, Instant at);
}

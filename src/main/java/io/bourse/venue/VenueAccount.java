package io.bourse.venue;

import java.math.BigDecimal;
import java.util.Map;

/**
 * An account as the venue holds it: net position quantity per symbol (signed; sells negative) and net cash
 * movement per currency from its executions (sell proceeds minus buy costs minus fees), for reconciliation's
 * position and balance drift checks, and {@code sequence}, the account's last execution these figures include, so
 * they can be compared with Bourse's own at the same point of an account that keeps trading; -1 when the venue does
 * not say.
 */
public record VenueAccount(String accountId, Map<String, BigDecimal> positions, Map<String, BigDecimal> cash,
                           long sequence) {
  public static final long UNKNOWN_SEQUENCE = -1;
}

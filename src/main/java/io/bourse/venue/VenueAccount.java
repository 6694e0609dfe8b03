package io.bourse.venue;

import java.math.BigDecimal;
import java.util.Map;

/**
 * An account as the venue holds it: net position quantity per symbol (signed; sells negative) and net cash
 * movement per currency from its executions (sell proceeds minus buy costs minus fees), for reconciliation's
 * position and balance drift checks.
 */
public record VenueAccount(String accountId, Map<String, BigDecimal> positions, Map<String, BigDecimal> cash) {}

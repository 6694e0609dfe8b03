package io.bourse.trading.domain;

import java.math.BigDecimal;

/**
 * What the venue (or reconciliation, reading the venue) says about an order. Plain values, so the venue adapter,
 * the paper venue and a backtester can all produce them.
 */
public sealed interface VenueReport {
  String reason();

  record Acknowledged() implements VenueReport {
    public String reason() { return "venue accepted the order"; }
  }

  record Rejected(String reason) implements VenueReport {}

  /** Fees are in the quote currency and non-negative; {@code executionId} is the venue's key for exactly-once. */
  record Filled(String executionId, BigDecimal quantity, BigDecimal price, BigDecimal fee) implements VenueReport {
    public Filled {
      if (executionId == null || executionId.isBlank()) throw new IllegalArgumentException("executionId is required");
      Decimals.requirePositive(quantity, "quantity");
      Decimals.requirePositive(price, "price");
      if (fee == null || fee.signum() < 0) throw new IllegalArgumentException("fee must be zero or positive");
    }

    public String reason() { return "execution " + executionId; }
  }

  record Canceled(String reason) implements VenueReport {}

  record CancelRejected(String reason) implements VenueReport {}

  record Expired(String reason) implements VenueReport {}

  /** The venue did not answer a submit or cancel in time: the order may or may not exist there. */
  record TimedOut(String reason) implements VenueReport {}
}

package io.bourse.venue;

import io.bourse.trading.domain.VenueReport;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One execution report from the venue's journal. {@code sequence} increases per account without gaps, so a
 * consumer that remembers the last sequence it applied can ask for the rest ({@link Venue#executions}).
 * {@code executionId} is set for fills (unique at the venue) and null otherwise.
 */
public record VenueExecution(long sequence, String accountId, String clientOrderId, String venueOrderId, Kind kind,
    String executionId, BigDecimal quantity, BigDecimal price, BigDecimal fee, String reason, Instant at) {

  public enum Kind { ACKNOWLEDGED, FILLED, CANCELED, CANCEL_REJECTED, REJECTED, EXPIRED }

  /** The domain's view of this report, what {@code TradingAccount.apply} takes. */
  public VenueReport toReport() {
    return switch (kind) {
      case ACKNOWLEDGED -> new VenueReport.Acknowledged();
      case FILLED -> new VenueReport.Filled(executionId, quantity, price, fee);
      case CANCELED -> new VenueReport.Canceled(reason == null ? "canceled at the venue" : reason);
      case CANCEL_REJECTED -> new VenueReport.CancelRejected(reason == null ? "cancel rejected" : reason);
      case REJECTED -> new VenueReport.Rejected(reason == null ? "rejected by the venue" : reason);
      case EXPIRED -> new VenueReport.Expired(reason == null ? "expired at the venue" : reason);
    };
  }
}

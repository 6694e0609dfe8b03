package io.bourse.trading.domain;

/** What applying a venue report did. Only APPLIED changed state; the others are deliberate no-ops. */
public enum ReportOutcome {
  APPLIED,
  /** The same execution, or the same terminal status, was already applied. */
  DUPLICATE,
  /** Older news than the order already reflects (an ack after a fill, a cancel-reject after the fill won). */
  STALE
}

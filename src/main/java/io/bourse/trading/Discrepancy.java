package io.bourse.trading;

/**
 * What reconciliation can find when it compares an account with the venue's truth. Each found instance is reported
 * with whether it was repaired (through the owning shard, from the venue's truth) or needs an operator.
 */
public enum Discrepancy {
  /** A venue fill not applied locally. Repaired by applying it (once, by execution id) unless its order is terminal here. */
  MISSING_FILL,
  /** An order (or its executions) at the venue that Bourse never placed, e.g. submitted at the venue directly. */
  UNKNOWN_VENUE_ORDER,
  /** A local open order the venue has never seen: resubmitted once if it never reached the venue, else flagged. */
  LOCAL_ORDER_UNKNOWN_AT_VENUE,
  /** Local and venue status disagree (a lost ack, a cancel at the venue, a lost cancel answer). */
  STATUS_MISMATCH,
  /** Local position quantity differs from the venue's. */
  POSITION_DRIFT,
  /** Local cash moved by trading differs from the venue's cash movements. */
  BALANCE_DRIFT
}

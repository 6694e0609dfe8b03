package io.bourse.trading.domain;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Order lifecycle (FIX OrdStatus plus UNKNOWN and RECONCILE_REQUIRED). The table is the only authority on which
 * transitions exist; the account asks it before every change, so an illegal transition cannot be applied by any path.
 *
 * <p>Choices that are not obvious: a fill may arrive before the ack (PENDING_NEW → PARTIALLY_FILLED/FILLED), because
 * venues do not order those messages; fills while a cancel is pending keep PENDING_CANCEL (FIX: "too late to cancel"
 * ends in FILLED); UNKNOWN after a timeout can only be left by what the venue or reconciliation says, never by a retry.
 * Self-transitions listed here are the ones that carry new information (another partial fill, a fill on an order
 * that stays flagged). Every open order may be flagged RECONCILE_REQUIRED by reconciliation when the venue's truth
 * about it cannot be established (e.g. a working order the venue does not know).
 */
public enum OrderStatus {
  PENDING_NEW, NEW, PARTIALLY_FILLED, FILLED, PENDING_CANCEL, CANCELED, REJECTED, EXPIRED, UNKNOWN, RECONCILE_REQUIRED;

  private static final Map<OrderStatus, Set<OrderStatus>> ALLOWED = new EnumMap<>(OrderStatus.class);

  static {
    ALLOWED.put(PENDING_NEW, EnumSet.of(NEW, PARTIALLY_FILLED, FILLED, PENDING_CANCEL, CANCELED, REJECTED, EXPIRED, UNKNOWN,
        RECONCILE_REQUIRED));
    ALLOWED.put(NEW, EnumSet.of(PARTIALLY_FILLED, FILLED, PENDING_CANCEL, CANCELED, EXPIRED, RECONCILE_REQUIRED));
    ALLOWED.put(PARTIALLY_FILLED, EnumSet.of(PARTIALLY_FILLED, FILLED, PENDING_CANCEL, CANCELED, EXPIRED, RECONCILE_REQUIRED));
    ALLOWED.put(PENDING_CANCEL, EnumSet.of(PENDING_CANCEL, NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, UNKNOWN,
        RECONCILE_REQUIRED));
    ALLOWED.put(UNKNOWN, EnumSet.of(NEW, PARTIALLY_FILLED, FILLED, CANCELED, REJECTED, EXPIRED, RECONCILE_REQUIRED));
    // A flagged order may still work at the venue: a cancel (the client's, or a HALT's) asks it, and its answer settles.
    ALLOWED.put(RECONCILE_REQUIRED, EnumSet.of(NEW, PARTIALLY_FILLED, FILLED, PENDING_CANCEL, CANCELED, REJECTED, EXPIRED,
        RECONCILE_REQUIRED));
    for (OrderStatus terminal : EnumSet.of(FILLED, CANCELED, REJECTED, EXPIRED)) {
      ALLOWED.put(terminal, EnumSet.noneOf(OrderStatus.class));
    }
  }

  public static boolean canTransition(OrderStatus from, OrderStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  public boolean isTerminal() { return ALLOWED.get(this).isEmpty(); }

  /** Working at the venue or possibly so: counts against open-order limits and holds its reservation. */
  public boolean isOpen() { return !isTerminal(); }
}

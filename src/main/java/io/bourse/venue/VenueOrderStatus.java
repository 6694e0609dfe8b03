package io.bourse.venue;

/** An order's status as the venue sees it. */
public enum VenueOrderStatus {
  NEW, PARTIALLY_FILLED, FILLED, CANCELED, REJECTED, EXPIRED;

  public boolean isOpen() { return this == NEW || this == PARTIALLY_FILLED; }
}

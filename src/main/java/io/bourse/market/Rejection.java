package io.bourse.market;

/** Why an incoming tick was refused; {@code reason} is stable (metrics label, dead-letter field), detail is for humans. */
public record Rejection(Reason reason, String detail) {
  public enum Reason { SCHEMA, NON_FINITE_PRICE, NON_POSITIVE_PRICE, UNKNOWN_SYMBOL, TIMESTAMP_IN_FUTURE, TIMESTAMP_TOO_OLD }

  @Override public String toString() { return reason + ": " + detail; }
}

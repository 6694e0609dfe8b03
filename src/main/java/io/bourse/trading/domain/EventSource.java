package io.bourse.trading.domain;

/** Who caused an order transition; the order history shows it so an operator can tell a venue kill from a user cancel. */
public enum EventSource { REST, STRATEGY, VENUE, RECONCILIATION }

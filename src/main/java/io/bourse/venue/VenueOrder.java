package io.bourse.venue;

import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import java.math.BigDecimal;
import java.util.Objects;

/** What Bourse sends to a venue. {@code clientOrderId} is derived deterministically from the intent. */
public record VenueOrder(String accountId, String clientOrderId, String symbol, Side side, OrderType type,
    BigDecimal quantity, BigDecimal price, BigDecimal stopPrice, TimeInForce timeInForce) {
  public VenueOrder {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(clientOrderId, "clientOrderId");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(quantity, "quantity");
    Objects.requireNonNull(timeInForce, "timeInForce");
  }
}

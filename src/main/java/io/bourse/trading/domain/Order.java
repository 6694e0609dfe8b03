package io.bourse.trading.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order as the account knows it. Immutable: every change makes a new value, so a snapshot handed to a publisher
 * or the store can never change under it. Field names follow ARCHITECTURE §4.
 *
 * @param averagePrice volume-weighted fill price, null until the first fill
 * @param feesPaid sum of venue fees of applied fills, in the quote currency
 */
public record Order(
    String id,
    String accountId,
    String profileId,
    String symbol,
    Side side,
    OrderType type,
    BigDecimal quantity,
    BigDecimal price,
    BigDecimal stopPrice,
    TimeInForce timeInForce,
    String clientOrderId,
    OrderStatus status,
    BigDecimal filledQuantity,
    BigDecimal averagePrice,
    BigDecimal feesPaid,
    Instant createdAt,
    Instant updatedAt,
    String clientReference) {

  static Order pendingNew(String id, PlaceOrder command, String clientOrderId, Instant at) {
    return new Order(id, command.accountId(), command.profileId(), command.symbol(), command.side(), command.type(),
        command.quantity(), command.price(), command.stopPrice(), command.timeInForce(), clientOrderId,
        OrderStatus.PENDING_NEW, BigDecimal.ZERO, null, BigDecimal.ZERO, at, at, command.clientReference());
  }

  public BigDecimal remainingQuantity() { return quantity.subtract(filledQuantity); }

  Order withStatus(OrderStatus newStatus, Instant at) {
    return new Order(id, accountId, profileId, symbol, side, type, quantity, price, stopPrice, timeInForce,
        clientOrderId, newStatus, filledQuantity, averagePrice, feesPaid, createdAt, at, clientReference);
  }

  Order withFill(BigDecimal fillQuantity, BigDecimal fillPrice, BigDecimal fee, OrderStatus newStatus, Instant at) {
    BigDecimal newFilled = filledQuantity.add(fillQuantity);
    BigDecimal previousCost = averagePrice == null ? BigDecimal.ZERO : averagePrice.multiply(filledQuantity);
    BigDecimal newAverage = Decimals.divideForPrice(previousCost.add(fillPrice.multiply(fillQuantity)), newFilled);
    return new Order(id, accountId, profileId, symbol, side, type, quantity, price, stopPrice, timeInForce,
        clientOrderId, newStatus, newFilled, newAverage, feesPaid.add(fee), createdAt, at, clientReference);
  }
}

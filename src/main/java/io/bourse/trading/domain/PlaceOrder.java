package io.bourse.trading.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The intent to place an order, from REST or a strategy. Immutable and validated on construction, so everything
 * downstream (risk, ledger, venue) can rely on its shape.
 *
 * @param profileId the strategy profile that produced it, or null for a manual order
 * @param idempotencyKey the caller's key (REST header, or the strategy's deterministic signal key); the client
 *     order id sent to the venue is derived from it
 */
public record PlaceOrder(
    String accountId,
    String profileId,
    String symbol,
    Side side,
    OrderType type,
    BigDecimal quantity,
    BigDecimal price,
    BigDecimal stopPrice,
    TimeInForce timeInForce,
    String idempotencyKey,
    EventSource source,
    String clientReference) {

  /** Without a client reference (strategies, tests). */
  public PlaceOrder(String accountId, String profileId, String symbol, Side side, OrderType type, BigDecimal quantity,
      BigDecimal price, BigDecimal stopPrice, TimeInForce timeInForce, String idempotencyKey, EventSource source) {
    this(accountId, profileId, symbol, side, type, quantity, price, stopPrice, timeInForce, idempotencyKey, source, null);
  }

  public PlaceOrder {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timeInForce, "timeInForce");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(source, "source");
    Decimals.requirePositive(quantity, "quantity");
    if (type == OrderType.MARKET) {
      if (price != null || stopPrice != null) throw new IllegalArgumentException("a MARKET order takes no price or stopPrice");
    } else {
      Decimals.requirePositive(price, "price");
    }
    if (type == OrderType.STOP_LIMIT) Decimals.requirePositive(stopPrice, "stopPrice");
    if (type == OrderType.LIMIT && stopPrice != null) throw new IllegalArgumentException("a LIMIT order takes no stopPrice");
  }

  public static PlaceOrder market(String accountId, String symbol, Side side, BigDecimal quantity, String idempotencyKey,
      EventSource source) {
    return new PlaceOrder(accountId, null, symbol, side, OrderType.MARKET, quantity, null, null, TimeInForce.IOC,
        idempotencyKey, source);
  }

  public static PlaceOrder limit(String accountId, String symbol, Side side, BigDecimal quantity, BigDecimal price,
      String idempotencyKey, EventSource source) {
    return new PlaceOrder(accountId, null, symbol, side, OrderType.LIMIT, quantity, price, null, TimeInForce.GTC,
        idempotencyKey, source);
  }

  public PlaceOrder withProfile(String newProfileId) {
    return new PlaceOrder(accountId, newProfileId, symbol, side, type, quantity, price, stopPrice, timeInForce,
        idempotencyKey, source, clientReference);
  }
}

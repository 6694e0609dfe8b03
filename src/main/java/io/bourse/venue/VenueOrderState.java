package io.bourse.venue;

import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import java.math.BigDecimal;
import java.time.Instant;

/** The venue's view of one order. {@code reason} explains a rejection or cancel; null otherwise. */
public record VenueOrderState(String accountId, String clientOrderId, String venueOrderId, String symbol, Side side,
    OrderType type, BigDecimal quantity, BigDecimal price, VenueOrderStatus status, BigDecimal filledQuantity,
    BigDecimal averagePrice, String reason, Instant updatedAt) {}

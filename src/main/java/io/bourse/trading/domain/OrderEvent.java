package io.bourse.trading.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One line of an order's history. Every accepted change is recorded, including fills that keep the status
 * (another partial fill), so the history replays to the current order.
 *
 * @param sequence 1-based position in this order's history
 * @param executionId the venue execution for a fill, else null
 * @param fillQuantity quantity of the fill, else null
 * @param fillPrice price of the fill, else null
 */
public record OrderEvent(
    String orderId,
    long sequence,
    OrderStatus from,
    OrderStatus to,
    EventSource source,
    String reason,
    String executionId,
    BigDecimal fillQuantity,
    BigDecimal fillPrice,
    Instant at) {}

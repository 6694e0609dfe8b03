package io.bourse.trading.strategy;

import io.bourse.trading.domain.EventSource;
import io.bourse.trading.domain.PlaceOrder;
import io.bourse.trading.domain.Side;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order intent from a profile. The idempotency key is derived from the profile, the tick time and the reason, so
 * replaying the same ticks (after a restart or failover) yields the same key, hence the same client order id, and
 * the venue sees the intent at most once. Consequence to know: a profile that exits and re-enters within the same
 * millisecond (possible only with a zero cooldown) would reuse its earlier entry's key, and the account would return
 * that earlier order instead of placing a new one.
 */
public record StrategySignal(String profileId, String accountId, String symbol, Side side, BigDecimal quantity,
    SignalReason reason, BigDecimal tickPrice, Instant at) {

  public String idempotencyKey() { return "strategy:" + profileId + ":" + at.toEpochMilli() + ":" + reason; }

  /** Signals go out as market orders: a strategy acts on the price it saw, risk rules bound the slippage it accepts. */
  public PlaceOrder toPlaceOrder() {
    return PlaceOrder.market(accountId, symbol, side, quantity, idempotencyKey(), EventSource.STRATEGY).withProfile(profileId);
  }
}

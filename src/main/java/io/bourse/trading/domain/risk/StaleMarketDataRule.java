package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import io.bourse.trading.domain.OrderType;
import java.time.Duration;
import java.util.Optional;

/** No decision on stale data (reliability §4.1.5): a market order needs a last price to be valued at all, and a
 * risk-increasing order needs one no older than the configured age. Reducing orders pass on old data, so a
 * position can always be closed while a feed is down. */
public final class StaleMarketDataRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    if (check.order().type() == OrderType.MARKET && check.lastPrice() == null) {
      return reject(ErrorCode.ORD_STALE_MARKET_DATA, "No last price for " + check.order().symbol()
          + " to value a MARKET order");
    }
    Duration maxAge = check.limits().maxMarketDataAge();
    if (maxAge == null || check.reducesPosition()) return Optional.empty();
    if (check.lastPriceAt() == null) {
      return reject(ErrorCode.ORD_STALE_MARKET_DATA, "No market data for " + check.order().symbol()
          + " (maxMarketDataAge " + maxAge + ")");
    }
    Duration age = Duration.between(check.lastPriceAt(), check.now());
    return age.compareTo(maxAge) <= 0 ? Optional.empty()
        : reject(ErrorCode.ORD_STALE_MARKET_DATA, "Last price for " + check.order().symbol() + " is " + age
            + " old, above maxMarketDataAge " + maxAge);
  }
}

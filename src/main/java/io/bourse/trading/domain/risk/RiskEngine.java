package io.bourse.trading.domain.risk;

import java.util.List;
import java.util.Optional;

/**
 * Runs the pre-trade rules in order and reports the first refusal. The order puts the cheap, absolute refusals
 * first (kill switch, instrument, session), then the checks that need a price, then counters and capital, so the
 * client is told the most fundamental reason.
 */
public final class RiskEngine {
  private final List<RiskRule> rules;

  public RiskEngine(List<RiskRule> rules) { this.rules = List.copyOf(rules); }

  public static RiskEngine standard() {
    return new RiskEngine(List.of(
        new TradingStateRule(),
        new InstrumentTradableRule(),
        new SessionOpenRule(),
        new StaleMarketDataRule(),
        new TickSizeRule(),
        new LotSizeRule(),
        new MinNotionalRule(),
        new MaxOrderNotionalRule(),
        new PriceBandRule(),
        new MaxPositionRule(),
        new MaxOpenOrdersRule(),
        new OrderRateRule(),
        new DailyLossRule(),
        new SufficientCapitalRule()));
  }

  public Optional<RiskRejection> check(RiskCheck check) {
    for (RiskRule rule : rules) {
      Optional<RiskRejection> rejection = rule.check(check);
      if (rejection.isPresent()) return rejection;
    }
    return Optional.empty();
  }

  /** Throws the first refusal as a coded {@code BourseException}. */
  public void enforce(RiskCheck check) {
    Optional<RiskRejection> rejection = check(check);
    if (rejection.isPresent()) throw rejection.get().toException();
  }
}

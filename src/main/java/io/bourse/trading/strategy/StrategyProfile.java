package io.bourse.trading.strategy;

import io.bourse.trading.domain.Decimals;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * A strategy as configured for one account and one symbol. Long-only: it opens with a buy and closes with a sell of
 * what it holds, which is what a spot account can do without borrowing.
 *
 * @param cooldown quiet time after an exit before the profile may enter again
 * @param lotSize the instrument's lot size, so sized quantities pass the lot-size rule
 */
public record StrategyProfile(String id, String accountId, String symbol, EntryRule entryRule, ExitRules exitRules,
    Duration cooldown, PositionSizing sizing, BigDecimal lotSize, boolean enabled) {

  public StrategyProfile {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(entryRule, "entryRule");
    Objects.requireNonNull(sizing, "sizing");
    exitRules = exitRules == null ? ExitRules.NONE : exitRules;
    cooldown = cooldown == null ? Duration.ZERO : cooldown;
    Decimals.requirePositive(lotSize, "lotSize");
  }
}

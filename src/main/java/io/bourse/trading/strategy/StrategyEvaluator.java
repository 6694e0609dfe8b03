package io.bourse.trading.strategy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates every enabled profile of a shard on each tick of its symbol. Profiles are grouped by symbol in arrays so a
 * tick touches only its own profiles, and the tick's price is turned into a double once for all of them.
 * Not thread-safe: owned by the shard's single writer, like the accounts.
 */
public final class StrategyEvaluator {
  private static final ProfileRunner[] NONE = new ProfileRunner[0];

  private final Map<String, ProfileRunner> byId = new HashMap<>();
  private final Map<String, ProfileRunner[]> bySymbol = new HashMap<>();

  /** Adds or replaces a profile; a replaced profile starts with fresh indicators and no position. Disabled ones are removed. */
  public void register(StrategyProfile profile) {
    remove(profile.id());
    if (!profile.enabled()) return;
    ProfileRunner runner = new ProfileRunner(profile);
    byId.put(profile.id(), runner);
    ProfileRunner[] current = bySymbol.getOrDefault(profile.symbol(), NONE);
    ProfileRunner[] grown = Arrays.copyOf(current, current.length + 1);
    grown[current.length] = runner;
    bySymbol.put(profile.symbol(), grown);
  }

  public void remove(String profileId) {
    ProfileRunner runner = byId.remove(profileId);
    if (runner == null) return;
    String symbol = runner.profile.symbol();
    ProfileRunner[] remaining = Arrays.stream(bySymbol.get(symbol)).filter(r -> r != runner)
        .toArray(ProfileRunner[]::new);
    if (remaining.length == 0) bySymbol.remove(symbol); else bySymbol.put(symbol, remaining);
  }

  public int size() { return byId.size(); }

  /** The order intents this tick causes, in profile registration order; empty (and allocation-free) when none. */
  public List<StrategySignal> onTick(Tick tick) {
    ProfileRunner[] runners = bySymbol.getOrDefault(tick.symbol(), NONE);
    if (runners.length == 0) return List.of();
    double price = tick.price().doubleValue();
    List<StrategySignal> signals = null;
    for (ProfileRunner runner : runners) {
      StrategySignal signal = runner.onTick(tick, price);
      if (signal != null) {
        if (signals == null) signals = new ArrayList<>(4);
        signals.add(signal);
      }
    }
    return signals == null ? List.of() : signals;
  }

  /**
   * Tells a profile what it actually holds (from fills, or zero after a rejected entry), replacing its optimistic
   * belief. Exit levels are recomputed from {@code entryPrice}.
   */
  public void syncPosition(String profileId, BigDecimal quantity, BigDecimal entryPrice) {
    ProfileRunner runner = byId.get(profileId);
    if (runner != null) runner.hold(quantity, entryPrice);
  }

  public BigDecimal heldQuantity(String profileId) {
    ProfileRunner runner = byId.get(profileId);
    return runner == null ? BigDecimal.ZERO : runner.heldQuantity();
  }
}

package io.bourse.trading.strategy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates every enabled profile of a shard on each tick of its symbol. Per symbol: one {@link IndicatorPool} (each
 * distinct indicator updated once per tick, however many profiles read it) and the profiles in an array, so a tick
 * touches only its own symbol, and its price is turned into a double once for all of them.
 * Not thread-safe: owned by the shard's single writer, like the accounts.
 */
public final class StrategyEvaluator {
  private final Map<String, Registered> byId = new HashMap<>();
  private final Map<String, SymbolProfiles> bySymbol = new HashMap<>();

  private record Registered(ProfileRunner runner, IndicatorPool.Lease lease) {}

  private static final class SymbolProfiles {
    final IndicatorPool pool = new IndicatorPool();
    ProfileRunner[] runners = new ProfileRunner[0];
  }

  /**
   * Adds or replaces a profile; a replaced profile starts with no position (shared indicators keep their history).
   * A disabled profile is removed.
   */
  public void register(StrategyProfile profile) {
    remove(profile.id());
    if (!profile.enabled()) return;
    SymbolProfiles symbol = bySymbol.computeIfAbsent(profile.symbol(), s -> new SymbolProfiles());
    IndicatorPool.Lease lease = symbol.pool.lease();
    ProfileRunner runner = new ProfileRunner(profile, lease);
    byId.put(profile.id(), new Registered(runner, lease));
    symbol.runners = Arrays.copyOf(symbol.runners, symbol.runners.length + 1);
    symbol.runners[symbol.runners.length - 1] = runner;
  }

  public void remove(String profileId) {
    Registered registered = byId.remove(profileId);
    if (registered == null) return;
    registered.lease().release();
    String symbolName = registered.runner().profile.symbol();
    SymbolProfiles symbol = bySymbol.get(symbolName);
    symbol.runners = Arrays.stream(symbol.runners).filter(r -> r != registered.runner()).toArray(ProfileRunner[]::new);
    if (symbol.runners.length == 0) bySymbol.remove(symbolName);
  }

  public int size() { return byId.size(); }

  /** Distinct indicators maintained for a symbol (what a tick really costs, beside one comparison per profile). */
  public int indicatorCount(String symbol) {
    SymbolProfiles profiles = bySymbol.get(symbol);
    return profiles == null ? 0 : profiles.pool.size();
  }

  /** The order intents this tick causes, in profile registration order; empty (and allocation-free) when none. */
  public List<StrategySignal> onTick(Tick tick) {
    SymbolProfiles symbol = bySymbol.get(tick.symbol());
    if (symbol == null) return List.of();
    double price = tick.price().doubleValue();
    symbol.pool.updateBeforeRules(price);
    List<StrategySignal> signals = null;
    for (ProfileRunner runner : symbol.runners) {
      StrategySignal signal = runner.onTick(tick, price);
      if (signal != null) {
        if (signals == null) signals = new ArrayList<>(4);
        signals.add(signal);
      }
    }
    symbol.pool.updateAfterRules(price);
    return signals == null ? List.of() : signals;
  }

  /**
   * Tells a profile what it actually holds (from fills, or zero after a rejected entry), replacing its optimistic
   * belief. Exit levels are recomputed from {@code entryPrice}.
   */
  public void syncPosition(String profileId, BigDecimal quantity, BigDecimal entryPrice) {
    Registered registered = byId.get(profileId);
    if (registered != null) registered.runner().hold(quantity, entryPrice);
  }

  public BigDecimal heldQuantity(String profileId) {
    Registered registered = byId.get(profileId);
    return registered == null ? BigDecimal.ZERO : registered.runner().heldQuantity();
  }
}

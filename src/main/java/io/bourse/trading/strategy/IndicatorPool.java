package io.bourse.trading.strategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The indicators of one symbol, shared by every profile that asks for the same kind and period and updated once per
 * price. Real configurations repeat a few periods (14-period RSI, 20/50 averages) across many profiles, so sharing
 * turns "work per profile" into "work per distinct indicator" plus a comparison per profile.
 *
 * <p>Profiles take indicators through a {@link Lease}, which remembers what it took, so removing a profile releases
 * exactly its share; an indicator with no users left is dropped. A profile that joins later gets an already warm
 * indicator, which is what a restart-free system wants. Not thread-safe (single writer).
 */
public final class IndicatorPool {
  private final Map<String, Shared> byKey = new HashMap<>();
  // One array per concrete type keeps each update loop monomorphic, so the JIT inlines update() instead of
  // dispatching through the interface for every indicator on every tick.
  private SimpleMovingAverage[] smas = new SimpleMovingAverage[0];
  private ExponentialMovingAverage[] emas = new ExponentialMovingAverage[0];
  private RelativeStrengthIndex[] rsis = new RelativeStrengthIndex[0];
  private RollingExtremes[] extremes = new RollingExtremes[0];

  private static final class Shared {
    final Object indicator;
    int users;

    Shared(Object indicator) { this.indicator = indicator; }
  }

  /** Updates the indicators rules read with the current price included (averages, RSI). */
  public void updateBeforeRules(double price) {
    for (SimpleMovingAverage sma : smas) sma.update(price);
    for (ExponentialMovingAverage ema : emas) ema.update(price);
    for (RelativeStrengthIndex rsi : rsis) rsi.update(price);
  }

  /** Updates the windows rules compare the current price against (breakout), after they have done so. */
  public void updateAfterRules(double price) {
    for (RollingExtremes window : extremes) window.update(price);
  }

  public int size() { return byKey.size(); }

  public Lease lease() { return new Lease(); }

  private Object acquire(String key, Supplier<Object> create) {
    Shared shared = byKey.get(key);
    if (shared == null) {
      shared = new Shared(create.get());
      byKey.put(key, shared);
      rebuildUpdateLists();
    }
    shared.users++;
    return shared.indicator;
  }

  private void release(String key) {
    Shared shared = byKey.get(key);
    if (shared != null && --shared.users == 0) {
      byKey.remove(key);
      rebuildUpdateLists();
    }
  }

  private void rebuildUpdateLists() {
    smas = ofType(SimpleMovingAverage.class).toArray(SimpleMovingAverage[]::new);
    emas = ofType(ExponentialMovingAverage.class).toArray(ExponentialMovingAverage[]::new);
    rsis = ofType(RelativeStrengthIndex.class).toArray(RelativeStrengthIndex[]::new);
    extremes = ofType(RollingExtremes.class).toArray(RollingExtremes[]::new);
  }

  private <T> List<T> ofType(Class<T> type) {
    List<T> matching = new ArrayList<>();
    for (Shared shared : byKey.values()) if (type.isInstance(shared.indicator)) matching.add(type.cast(shared.indicator));
    return matching;
  }

  /** One profile's share of the pool. */
  public final class Lease implements IndicatorSource {
    private final List<String> keys = new ArrayList<>();

    @Override
    public Indicator sma(int period) { return (Indicator) take("sma:" + period, () -> new SimpleMovingAverage(period)); }

    @Override
    public Indicator ema(int period) { return (Indicator) take("ema:" + period, () -> new ExponentialMovingAverage(period)); }

    @Override
    public Indicator rsi(int period) { return (Indicator) take("rsi:" + period, () -> new RelativeStrengthIndex(period)); }

    @Override
    public RollingExtremes previousExtremes(int window) {
      return (RollingExtremes) take("extremes:" + window, () -> new RollingExtremes(window));
    }

    /** Gives back everything this lease took. */
    public void release() {
      keys.forEach(IndicatorPool.this::release);
      keys.clear();
    }

    private Object take(String key, Supplier<Object> create) {
      keys.add(key);
      return acquire(key, create);
    }
  }
}

package io.bourse.market;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Marks a symbol stale after a silence longer than {@code staleAfterMs} while its market is open (a closed exchange
 * is quiet, not stale), and fresh again on the next tick. {@link #check} returns only transitions, so operators get
 * one alert per change, not one per check. Written by one context; {@link #isStale} and {@link #snapshot} are safe
 * from any thread.
 */
public final class StalenessMonitor {
  public record Transition(String symbol, boolean stale, Instant lastTick, long silentMs) {}

  private final InstrumentCatalogue catalogue;
  private final long staleAfterMs;
  private final long startedAtMs;
  private final Map<String, Long> lastTickMs = new HashMap<>();
  /** Concurrent so the risk engine and health may read {@link #isStale} from their own threads. */
  private final Map<String, Boolean> stale = new java.util.concurrent.ConcurrentHashMap<>();

  public StalenessMonitor(InstrumentCatalogue catalogue, long staleAfterMs, long nowMs) {
    this.catalogue = catalogue;
    this.staleAfterMs = staleAfterMs;
    this.startedAtMs = nowMs;
    for (Instrument i : catalogue.all()) stale.put(i.symbol(), false);
  }

  /** Records a tick; returns the fresh transition if the symbol was stale, else null. */
  public Transition touch(String symbol, long nowMs) {
    lastTickMs.put(symbol, nowMs);
    if (Boolean.TRUE.equals(stale.put(symbol, false))) {
      return new Transition(symbol, false, Instant.ofEpochMilli(nowMs), 0);
    }
    return null;
  }

  public List<Transition> check(long nowMs) {
    List<Transition> out = new ArrayList<>();
    for (Instrument i : catalogue.all()) {
      String s = i.symbol();
      Long last = lastTickMs.get(s);
      long silent = nowMs - (last == null ? startedAtMs : last);
      boolean shouldBeStale = silent > staleAfterMs && i.session().isOpen(Instant.ofEpochMilli(nowMs));
      if (shouldBeStale != stale.get(s)) {
        stale.put(s, shouldBeStale);
        out.add(new Transition(s, shouldBeStale, last == null ? null : Instant.ofEpochMilli(last), silent));
      }
    }
    return out;
  }

  public boolean isStale(String symbol) { return Boolean.TRUE.equals(stale.get(symbol)); }

  public Map<String, Boolean> snapshot() { return Map.copyOf(stale); }
}

package io.bourse.market;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds OHLCV candles per symbol and interval on UTC-aligned buckets. A bucket closes when a tick for a later bucket
 * arrives or when {@link #closeDue} passes its end; the closed candle goes to the callback exactly once. Ticks for an
 * already closed bucket are counted as late and ignored, so a persisted candle is never overwritten by a partial one.
 *
 * <p>Open candles survive a restart through {@link #restore}: a restored candle continues where the previous process
 * left it (open price kept, high/low/volume/trades extended by the ticks that follow). It is applied when the symbol's
 * first tick after the restart arrives — only the consumer that now owns the symbol ever continues it — or, for every
 * symbol still waiting, by {@link #applyPendingRestores} once it is known that this process owns them all.
 * Not thread-safe: owned by one verticle context.
 */
public final class CandleAggregator {
  private final Interval[] intervals;
  private final long[] millis;
  private final Consumer<Candle> onClosed;
  private final Map<String, Series> bySymbol = new HashMap<>();
  private final Map<String, List<Candle>> pendingRestore = new HashMap<>();
  private long lateTicks;

  /** One symbol's open buckets, one slot per interval. */
  private static final class Series {
    final String symbol;
    final Slot[] slots;
    /** {@link Tick#receivedNanos()} of the latest tick: "quiet" is judged by arrival, not by event time. */
    long lastReceivedNanos;
    /** Moves with every change of an open candle (tick, close, restore), so checkpoints write only what changed. */
    long version;

    Series(String symbol, int n) {
      this.symbol = symbol;
      this.slots = new Slot[n];
      for (int i = 0; i < n; i++) slots[i] = new Slot();
    }
  }

  /**
   * The open candle of one interval, updated in place (one BigDecimal addition per tick, no new candle per tick); an
   * immutable {@link Candle} is made only when it closes or is read.
   */
  private static final class Slot {
    boolean isOpen;
    long start;
    BigDecimal open;
    BigDecimal high;
    BigDecimal low;
    BigDecimal close;
    BigDecimal volume;
    long trades;
    long lastClosedStart = Long.MIN_VALUE;

    void first(Tick t, long bucketStart) {
      isOpen = true;
      start = bucketStart;
      open = high = low = close = t.price();
      volume = t.size();
      trades = 1;
    }

    void add(Tick t) {
      BigDecimal p = t.price();
      if (p.compareTo(high) > 0) high = p;
      if (p.compareTo(low) < 0) low = p;
      close = p;
      volume = volume.add(t.size());
      trades++;
    }

    Candle candle(String symbol, Interval interval) {
      return new Candle(symbol, interval, Instant.ofEpochMilli(start), open, high, low, close, volume, trades);
    }

    void restore(Candle c) {
      isOpen = true;
      start = c.openTime().toEpochMilli();
      open = c.open();
      high = c.high();
      low = c.low();
      close = c.close();
      volume = c.volume();
      trades = c.trades();
    }
  }

  public CandleAggregator(Set<Interval> intervals, Consumer<Candle> onClosed) {
    this.intervals = EnumSet.copyOf(intervals).toArray(new Interval[0]);
    this.millis = new long[this.intervals.length];
    for (int i = 0; i < millis.length; i++) millis[i] = this.intervals[i].millis();
    this.onClosed = onClosed;
  }

  public void onTick(Tick t) {
    Series series = bySymbol.get(t.symbol());
    if (series == null) series = newSeries(t.symbol());
    series.lastReceivedNanos = t.receivedNanos();
    series.version++;
    long ts = t.exchangeTime().toEpochMilli();
    Slot[] slots = series.slots;
    for (int i = 0; i < slots.length; i++) {
      Slot slot = slots[i];
      long start = Math.floorDiv(ts, millis[i]) * millis[i];
      if (slot.isOpen && start == slot.start) {
        slot.add(t);
      } else if (start <= slot.lastClosedStart || (slot.isOpen && start < slot.start)) {
        lateTicks++;
      } else {
        if (slot.isOpen) close(series, i);
        slot.first(t, start);
      }
    }
  }

  /** Closes every open candle whose bucket ended at or before {@code now} (end of a replay, shutdown). */
  public void closeDue(Instant now) {
    long nowMs = now.toEpochMilli();
    for (Series series : bySymbol.values()) closeEnded(series, nowMs);
  }

  /**
   * The periodic sweep for quiet symbols: closes ended buckets only of symbols with no tick received for
   * {@code quietNanos}. A symbol that is still receiving ticks — e.g. a consumer catching up on an hour of backlog,
   * whose ticks are all "in the past" — keeps its bucket open until its own ticks roll it, so the backlog is not
   * discarded as late.
   */
  public void closeQuietDue(Instant now, long nowNanos, long quietNanos) {
    long nowMs = now.toEpochMilli();
    for (Series series : bySymbol.values()) {
      if (nowNanos - series.lastReceivedNanos >= quietNanos) closeEnded(series, nowMs);
    }
  }

  private void closeEnded(Series series, long nowMs) {
    for (int i = 0; i < series.slots.length; i++) {
      Slot slot = series.slots[i];
      if (slot.isOpen && slot.start + millis[i] <= nowMs) close(series, i);
    }
  }

  private Series newSeries(String symbol) {
    Series series = new Series(symbol, intervals.length);
    bySymbol.put(symbol, series);
    List<Candle> restored = pendingRestore.remove(symbol);
    if (restored != null) {
      for (Candle c : restored) {
        int i = indexOf(c.interval());
        if (i >= 0) series.slots[i].restore(c);
      }
      series.version++;
    }
    return series;
  }

  private int indexOf(Interval interval) {
    for (int i = 0; i < intervals.length; i++) if (intervals[i] == interval) return i;
    return -1;
  }

  /**
   * Open candles a previous process left (from its checkpoint), held until the symbol's first tick here or
   * {@link #applyPendingRestores}. Ignored for a symbol this aggregator already builds candles for.
   */
  public void restore(Collection<Candle> open) {
    for (Candle c : open) {
      if (!bySymbol.containsKey(c.symbol())) pendingRestore.computeIfAbsent(c.symbol(), k -> new ArrayList<>()).add(c);
    }
  }

  /** Continues every restored candle still waiting (this process owns every symbol); returns how many symbols. */
  public int applyPendingRestores() {
    List<String> symbols = List.copyOf(pendingRestore.keySet());
    for (String symbol : symbols) {
      Series series = newSeries(symbol);
      series.lastReceivedNanos = System.nanoTime() - Long.MAX_VALUE / 2; // quiet since long: the sweep may close it
    }
    return symbols.size();
  }

  /**
   * Forgets the restored candles still waiting (another consumer owns those symbols and continues them); returns how
   * many symbols.
   */
  public int discardPendingRestores() {
    int n = pendingRestore.size();
    pendingRestore.clear();
    return n;
  }

  public int pendingRestores() { return pendingRestore.size(); }

  /** The symbol's open candles and the version they are at (0: none ever), for checkpoints. */
  public long version(String symbol) {
    Series series = bySymbol.get(symbol);
    return series == null ? 0 : series.version;
  }

  /** Symbols this aggregator builds candles for. */
  public java.util.Set<String> symbols() { return java.util.Collections.unmodifiableSet(bySymbol.keySet()); }

  /** The symbol's open candles, one per interval that has one. */
  public List<Candle> openCandles(String symbol) {
    Series series = bySymbol.get(symbol);
    if (series == null) return List.of();
    List<Candle> out = new ArrayList<>(intervals.length);
    for (int i = 0; i < intervals.length; i++) {
      if (series.slots[i].isOpen) out.add(series.slots[i].candle(symbol, intervals[i]));
    }
    return out;
  }

  /** The candle still being built, or null. */
  public Candle current(String symbol, Interval interval) {
    Series series = bySymbol.get(symbol);
    if (series == null) return null;
    for (int i = 0; i < intervals.length; i++) {
      if (intervals[i] == interval) return series.slots[i].isOpen ? series.slots[i].candle(symbol, interval) : null;
    }
    return null;
  }

  public long lateTicks() { return lateTicks; }

  private void close(Series series, int i) {
    Slot slot = series.slots[i];
    Candle c = slot.candle(series.symbol, intervals[i]);
    slot.isOpen = false;
    slot.lastClosedStart = slot.start;
    series.version++;
    onClosed.accept(c);
  }
}

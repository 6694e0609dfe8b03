package io.bourse.market;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
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
 * Not thread-safe: owned by one verticle context.
 */
public final class CandleAggregator {
  private final Interval[] intervals;
  private final long[] millis;
  private final Consumer<Candle> onClosed;
  private final Map<String, Series> bySymbol = new HashMap<>();
  private long lateTicks;

  /** One symbol's open buckets, one slot per interval. */
  private static final class Series {
    final String symbol;
    final Slot[] slots;
    /** {@link Tick#receivedNanos()} of the latest tick: "quiet" is judged by arrival, not by event time. */
    long lastReceivedNanos;

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
  }

  public CandleAggregator(Set<Interval> intervals, Consumer<Candle> onClosed) {
    this.intervals = EnumSet.copyOf(intervals).toArray(new Interval[0]);
    this.millis = new long[this.intervals.length];
    for (int i = 0; i < millis.length; i++) millis[i] = this.intervals[i].millis();
    this.onClosed = onClosed;
  }

  public void onTick(Tick t) {
    Series series = bySymbol.get(t.symbol());
    if (series == null) bySymbol.put(t.symbol(), series = new Series(t.symbol(), intervals.length));
    series.lastReceivedNanos = t.receivedNanos();
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

  /** The candle still being built, or null. */
  public Candle current(String symbol, Interval interval) {
    Series series = bySymbol.get(symbol);
    if (series == null) return null;
    for (int i = 0; i < intervals.length; i++) {
      if (intervals[i] == interval) return series.slots[i].isOpen ? series.slots[i].candle(symbol, interval) : null;
    }
    return null;
  }

  /** All candles still open, e.g. to persist on shutdown. */
  public List<Candle> openCandles() {
    List<Candle> out = new ArrayList<>();
    for (Series series : bySymbol.values()) {
      for (int i = 0; i < intervals.length; i++) {
        if (series.slots[i].isOpen) out.add(series.slots[i].candle(series.symbol, intervals[i]));
      }
    }
    return out;
  }

  public long lateTicks() { return lateTicks; }

  private void close(Series series, int i) {
    Slot slot = series.slots[i];
    Candle c = slot.candle(series.symbol, intervals[i]);
    slot.isOpen = false;
    slot.lastClosedStart = slot.start;
    onClosed.accept(c);
  }
}

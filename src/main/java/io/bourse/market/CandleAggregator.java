package io.bourse.market;

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
  private final Consumer<Candle> onClosed;
  private final Map<String, Slot[]> bySymbol = new HashMap<>();
  /** {@link Tick#receivedNanos()} of each symbol's latest tick: "quiet" is judged by arrival, not by event time. */
  private final Map<String, Long> lastReceivedNanos = new HashMap<>();
  private long lateTicks;

  private static final class Slot {
    Candle open;
    long lastClosedStart = Long.MIN_VALUE;
  }

  public CandleAggregator(Set<Interval> intervals, Consumer<Candle> onClosed) {
    this.intervals = EnumSet.copyOf(intervals).toArray(new Interval[0]);
    this.onClosed = onClosed;
  }

  public void onTick(Tick t) {
    Slot[] slots = bySymbol.computeIfAbsent(t.symbol(), k -> newSlots());
    lastReceivedNanos.put(t.symbol(), t.receivedNanos());
    long ts = t.exchangeTime().toEpochMilli();
    for (int i = 0; i < intervals.length; i++) {
      Interval interval = intervals[i];
      Slot slot = slots[i];
      long start = interval.bucketStart(ts);
      if (start <= slot.lastClosedStart) {
        lateTicks++;
        continue;
      }
      Candle c = slot.open;
      if (c == null) {
        slot.open = Candle.first(t, interval, Instant.ofEpochMilli(start));
      } else {
        long openStart = c.openTime().toEpochMilli();
        if (start == openStart) {
          slot.open = c.with(t);
        } else if (start > openStart) {
          close(slot);
          slot.open = Candle.first(t, interval, Instant.ofEpochMilli(start));
        } else {
          lateTicks++;
        }
      }
    }
  }

  /** Closes every open candle whose bucket ended at or before {@code now} (end of a replay, shutdown). */
  public void closeDue(Instant now) {
    long nowMs = now.toEpochMilli();
    for (Slot[] slots : bySymbol.values()) closeEnded(slots, nowMs);
  }

  /**
   * The periodic sweep for quiet symbols: closes ended buckets only of symbols with no tick received for
   * {@code quietNanos}. A symbol that is still receiving ticks — e.g. a consumer catching up on an hour of backlog,
   * whose ticks are all "in the past" — keeps its bucket open until its own ticks roll it, so the backlog is not
   * discarded as late.
   */
  public void closeQuietDue(Instant now, long nowNanos, long quietNanos) {
    long nowMs = now.toEpochMilli();
    bySymbol.forEach((symbol, slots) -> {
      if (nowNanos - lastReceivedNanos.get(symbol) >= quietNanos) closeEnded(slots, nowMs);
    });
  }

  private void closeEnded(Slot[] slots, long nowMs) {
    for (Slot slot : slots) {
      if (slot.open != null && slot.open.closeTime().toEpochMilli() <= nowMs) close(slot);
    }
  }

  /** The candle still being built, or null. */
  public Candle current(String symbol, Interval interval) {
    Slot[] slots = bySymbol.get(symbol);
    if (slots == null) return null;
    for (int i = 0; i < intervals.length; i++) {
      if (intervals[i] == interval) return slots[i].open;
    }
    return null;
  }

  /** All candles still open, e.g. to persist on shutdown. */
  public List<Candle> openCandles() {
    List<Candle> out = new ArrayList<>();
    for (Slot[] slots : bySymbol.values()) {
      for (Slot s : slots) if (s.open != null) out.add(s.open);
    }
    return out;
  }

  public long lateTicks() { return lateTicks; }

  private void close(Slot slot) {
    Candle c = slot.open;
    slot.open = null;
    slot.lastClosedStart = c.openTime().toEpochMilli();
    onClosed.accept(c);
  }

  private Slot[] newSlots() {
    Slot[] s = new Slot[intervals.length];
    for (int i = 0; i < s.length; i++) s[i] = new Slot();
    return s;
  }
}

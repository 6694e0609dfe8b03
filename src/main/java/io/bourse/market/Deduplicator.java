package io.bourse.market;

import java.util.HashMap;
import java.util.Map;

/**
 * At-least-once delivery (Kafka redelivery after a restart, replays) must have no double effect. Per symbol we keep
 * the highest sequence seen plus a bitmap of the last {@code window} sequences below it, so slightly out-of-order
 * ticks still pass while memory stays bounded (symbols are bounded by the catalogue; unknown ones are rejected before).
 * A sequence older than the window is treated as a duplicate: at that distance a redelivery is far likelier than a
 * genuinely new tick. Not thread-safe: owned by one verticle context.
 */
public final class Deduplicator {
  private final int window;
  private final Map<String, State> states = new HashMap<>();
  private long duplicates;

  public Deduplicator(int window) {
    if (window < 64 || Integer.bitCount(window) != 1) throw new IllegalArgumentException("window must be a power of two >= 64");
    this.window = window;
  }

  private final class State {
    long high = -1;
    final long[] seen = new long[window / 64];

    boolean get(long seq) {
      int i = (int) (seq & (window - 1));
      return (seen[i >>> 6] & (1L << (i & 63))) != 0;
    }

    void set(long seq, boolean v) {
      int i = (int) (seq & (window - 1));
      if (v) seen[i >>> 6] |= 1L << (i & 63); else seen[i >>> 6] &= ~(1L << (i & 63));
    }
  }

  /** True the first time (symbol, sequence) is offered, false on every repeat. */
  public boolean firstSeen(String symbol, long sequence) {
    State s = states.computeIfAbsent(symbol, k -> new State());
    if (sequence > s.high) {
      if (s.high < 0 || sequence - s.high >= window) {
        java.util.Arrays.fill(s.seen, 0L);
      } else {
        for (long q = s.high + 1; q < sequence; q++) s.set(q, false);
      }
      s.set(sequence, true);
      s.high = sequence;
      return true;
    }
    if (s.high - sequence >= window || s.get(sequence)) {
      duplicates++;
      return false;
    }
    s.set(sequence, true);
    return true;
  }

  /**
   * Marks every sequence up to {@code highWaterMark} as seen, e.g. from the shared cache's latest tick after a restart,
   * so a redelivery of what the previous process already published is dropped here too.
   */
  public void seed(String symbol, long highWaterMark) {
    State s = states.computeIfAbsent(symbol, k -> new State());
    if (highWaterMark <= s.high) return;
    s.high = highWaterMark;
    java.util.Arrays.fill(s.seen, -1L);
  }

  public long duplicates() { return duplicates; }

  /** Every symbol's highest sequence seen. */
  public void forEachHighWaterMark(java.util.function.BiConsumer<String, Long> action) {
    states.forEach((symbol, s) -> { if (s.high >= 0) action.accept(symbol, s.high); });
  }

  /** Highest sequence seen for the symbol, -1 if none. */
  public long highWaterMark(String symbol) {
    State s = states.get(symbol);
    return s == null ? -1 : s.high;
  }
}

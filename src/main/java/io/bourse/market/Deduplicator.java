package io.bourse.market;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * At-least-once delivery (Kafka redelivery after a restart, replays) must have no double effect. Per symbol we keep
 * the highest sequence seen plus a bitmap of the last {@code window} sequences below it, so slightly out-of-order
 * ticks still pass while memory stays bounded (symbols are bounded by the catalogue; unknown ones are rejected before).
 * A sequence older than the window is treated as a duplicate: at that distance a redelivery is far likelier than a
 * genuinely new tick.
 *
 * <p><b>Sequence resets.</b> An upstream that restarts numbers its ticks from the beginning again; by sequence alone
 * every tick of the new feed would look like a repeat and the symbol would go silent until the new numbers passed the
 * old mark. The exchange timestamp tells the two apart: every tick seen so far has a timestamp at or before the
 * symbol's newest one ({@code maxTime}), so a redelivery can never be newer than that, while a restarted feed carries
 * fresh timestamps. A tick that would otherwise be a duplicate, has a sequence below the mark and a timestamp strictly
 * after {@code maxTime} therefore starts a new epoch: the mark moves down to it and the window restarts. The old
 * epoch's ticks can still be redelivered afterwards, with sequences above the new mark; they all carry timestamps at
 * or before the old {@code maxTime}, which becomes the {@code floor}: a tick at or before the floor is a duplicate
 * whatever its sequence. (A sequence equal to the mark with a newer timestamp stays a duplicate: that is a producer
 * resending one tick with a new stamp, not a restart.)
 *
 * <p>Not thread-safe: owned by one verticle context.
 */
public final class Deduplicator {
  /** What {@link #check} decided. {@link #GAP} and {@link #RESET} are accepted too (first seen). */
  public enum Verdict { NEW, GAP, RESET, DUPLICATE }

  /** Missing sequences kept in a {@link Mark}; a longer list is cut (the rest count as seen after a restore). */
  static final int MAX_MISSING = 256;
  private static final long NO_FLOOR = Long.MIN_VALUE;

  private final int window;
  private final Map<String, State> states = new HashMap<>();
  private long duplicates;
  /** The state a {@link Verdict#RESET} replaced, readable right after {@link #check} returned it. */
  private long resetPreviousSequence;
  private long resetPreviousTime;
  /** Sequences skipped by the last {@link Verdict#GAP}. */
  private long lastGap;

  public Deduplicator(int window) {
    if (window < 64 || Integer.bitCount(window) != 1) throw new IllegalArgumentException("window must be a power of two >= 64");
    this.window = window;
  }

  /**
   * A symbol's persisted dedup state: the mark, the newest exchange time seen, the floor of the last reset
   * ({@link Long#MIN_VALUE}: none), how many resets it went through, and the sequences inside the window below the mark
   * that were not seen yet (at most {@link #MAX_MISSING}).
   */
  public record Mark(long sequence, long timeMs, long floorMs, long resets, long[] missing) {
    public static Mark of(long sequence, long timeMs) { return new Mark(sequence, timeMs, NO_FLOOR, 0, new long[0]); }

    public boolean hasFloor() { return floorMs != NO_FLOOR; }
  }

  private final class State {
    long high = -1;
    long maxTime = Long.MIN_VALUE;
    long floor = NO_FLOOR;
    long resets;
    final long[] seen = new long[window / 64];

    boolean get(long seq) {
      int i = (int) (seq & (window - 1));
      return (seen[i >>> 6] & (1L << (i & 63))) != 0;
    }

    void set(long seq, boolean v) {
      int i = (int) (seq & (window - 1));
      if (v) seen[i >>> 6] |= 1L << (i & 63); else seen[i >>> 6] &= ~(1L << (i & 63));
    }

    /** Starts a fresh window at {@code sequence}. */
    void restart(long sequence, long timeMs) {
      Arrays.fill(seen, 0L);
      set(sequence, true);
      high = sequence;
      maxTime = timeMs;
    }
  }

  /**
   * Decides whether (symbol, sequence) with this exchange time is new. Cheap enough for the per-tick path: no
   * allocation once the symbol is known.
   */
  public Verdict check(String symbol, long sequence, long timeMs) {
    State s = states.get(symbol);
    if (s == null) states.put(symbol, s = new State());
    if (s.high < 0) {
      s.restart(sequence, timeMs);
      return Verdict.NEW;
    }
    if (s.floor != NO_FLOOR && timeMs <= s.floor) return duplicate();
    if (sequence > s.high) {
      long gap = sequence - s.high - 1;
      if (gap >= window) {
        Arrays.fill(s.seen, 0L);
      } else {
        for (long q = s.high + 1; q < sequence; q++) s.set(q, false);
      }
      s.set(sequence, true);
      s.high = sequence;
      if (timeMs > s.maxTime) s.maxTime = timeMs;
      if (gap > 0) {
        lastGap = gap;
        return Verdict.GAP;
      }
      return Verdict.NEW;
    }
    if (s.high - sequence < window && !s.get(sequence)) {
      s.set(sequence, true);
      if (timeMs > s.maxTime) s.maxTime = timeMs;
      return Verdict.NEW;
    }
    if (sequence < s.high && timeMs > s.maxTime) {
      resetPreviousSequence = s.high;
      resetPreviousTime = s.maxTime;
      s.floor = s.maxTime;
      s.resets++;
      s.restart(sequence, timeMs);
      return Verdict.RESET;
    }
    return duplicate();
  }

  private Verdict duplicate() {
    duplicates++;
    return Verdict.DUPLICATE;
  }

  /** The mark the last {@link Verdict#RESET} replaced. */
  public long resetPreviousSequence() { return resetPreviousSequence; }

  /** The newest exchange time (epoch ms) before the last {@link Verdict#RESET}. */
  public long resetPreviousTime() { return resetPreviousTime; }

  /** How many sequences the last {@link Verdict#GAP} skipped. */
  public long lastGap() { return lastGap; }

  /**
   * Restores a symbol's state after a restart, so a redelivery of what the previous process already accepted is
   * dropped: every sequence up to the mark counts as seen except the listed missing ones. A mark at or below the
   * current one is ignored (never lowers the mark).
   */
  public void seed(String symbol, Mark mark) {
    State s = states.computeIfAbsent(symbol, k -> new State());
    if (mark.sequence() <= s.high) return;
    s.high = mark.sequence();
    s.maxTime = Math.max(s.maxTime, mark.timeMs());
    if (mark.hasFloor()) s.floor = s.floor == NO_FLOOR ? mark.floorMs() : Math.max(s.floor, mark.floorMs());
    s.resets = Math.max(s.resets, mark.resets());
    Arrays.fill(s.seen, -1L);
    for (long m : mark.missing()) {
      if (m >= 0 && m < s.high && s.high - m < window) s.set(m, false);
    }
  }

  /** The symbol's state to persist, or null if it has none. */
  public Mark mark(String symbol) {
    State s = states.get(symbol);
    if (s == null || s.high < 0) return null;
    long[] missing = new long[16];
    int n = 0;
    for (long q = Math.max(0, s.high - window + 1); q < s.high && n < MAX_MISSING; q++) {
      if (!s.get(q)) {
        if (n == missing.length) missing = Arrays.copyOf(missing, n * 2);
        missing[n++] = q;
      }
    }
    return new Mark(s.high, s.maxTime, s.floor, s.resets, Arrays.copyOf(missing, n));
  }

  public long duplicates() { return duplicates; }

  /** Highest sequence seen for the symbol (in its current epoch), -1 if none. */
  public long highWaterMark(String symbol) {
    State s = states.get(symbol);
    return s == null ? -1 : s.high;
  }

  /** Sequence resets accepted for the symbol since start (or restored with its mark). */
  public long resets(String symbol) {
    State s = states.get(symbol);
    return s == null ? 0 : s.resets;
  }
}

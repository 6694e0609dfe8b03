package io.bourse.trading.strategy;

/**
 * Highest and lowest of the last {@code window} values with two monotonic deques kept in fixed ring arrays: each
 * value enters and leaves each deque once, so updates are amortised O(1) and allocate nothing.
 */
public final class RollingExtremes {
  private final int window;
  private final MonotonicDeque highs;
  private final MonotonicDeque lows;
  private long index;

  public RollingExtremes(int window) {
    if (window < 1) throw new IllegalArgumentException("window must be >= 1");
    this.window = window;
    this.highs = new MonotonicDeque(window, true);
    this.lows = new MonotonicDeque(window, false);
  }

  public void update(double value) {
    highs.push(index, value, window);
    lows.push(index, value, window);
    index++;
  }

  public boolean ready() { return index >= window; }

  public double highest() { return highs.front(); }

  public double lowest() { return lows.front(); }

  private static final class MonotonicDeque {
    private final long[] indexes;
    private final double[] values;
    private final boolean keepsMaximum;
    private int head;
    private int size;

    MonotonicDeque(int capacity, boolean keepsMaximum) {
      this.indexes = new long[capacity];
      this.values = new double[capacity];
      this.keepsMaximum = keepsMaximum;
    }

    void push(long index, double value, int window) {
      if (size > 0 && indexes[head] <= index - window) {
        head = (head + 1) % indexes.length;
        size--;
      }
      while (size > 0) {
        int tail = (head + size - 1) % indexes.length;
        boolean dominated = keepsMaximum ? values[tail] <= value : values[tail] >= value;
        if (!dominated) break;
        size--;
      }
      int slot = (head + size) % indexes.length;
      indexes[slot] = index;
      values[slot] = value;
      size++;
    }

    double front() { return size == 0 ? Double.NaN : values[head]; }
  }
}

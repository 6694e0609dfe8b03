package io.bourse.trading.strategy;

/**
 * Mean of the last {@code period} values: a ring buffer and a running sum. The sum is rebuilt from the buffer once per
 * full turn, which keeps the cost amortised O(1) while stopping floating-point drift from accumulating over a long
 * session.
 */
public final class SimpleMovingAverage implements Indicator {
  private final double[] window;
  private int next;
  private long count;
  private double sum;

  public SimpleMovingAverage(int period) {
    if (period < 1) throw new IllegalArgumentException("period must be >= 1");
    this.window = new double[period];
  }

  @Override
  public void update(double value) {
    sum += value - window[next];
    window[next] = value;
    next++;
    count++;
    if (next == window.length) {
      next = 0;
      double exact = 0;
      for (double v : window) exact += v;
      sum = exact;
    }
  }

  @Override
  public boolean ready() { return count >= window.length; }

  @Override
  public double value() { return sum / Math.min(count == 0 ? 1 : count, window.length); }
}

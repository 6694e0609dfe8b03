package io.bourse.trading.strategy;

/** EMA with alpha = 2 / (period + 1), seeded with the simple mean of the first {@code period} values (the usual convention). */
public final class ExponentialMovingAverage implements Indicator {
  private final int period;
  private final double alpha;
  private long count;
  private double value;

  public ExponentialMovingAverage(int period) {
    if (period < 1) throw new IllegalArgumentException("period must be >= 1");
    this.period = period;
    this.alpha = 2.0 / (period + 1);
  }

  @Override
  public void update(double price) {
    count++;
    if (count <= period) {
      value += (price - value) / count;
    } else {
      value += alpha * (price - value);
    }
  }

  @Override
  public boolean ready() { return count >= period; }

  @Override
  public double value() { return value; }
}

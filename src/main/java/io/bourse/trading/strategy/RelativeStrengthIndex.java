package io.bourse.trading.strategy;

/**
 * RSI with Wilder's smoothing: the first averages are simple means of {@code period} changes, then
 * avg = (avg × (period − 1) + change) / period. Ready after {@code period + 1} prices.
 */
public final class RelativeStrengthIndex implements Indicator {
  private final int period;
  private long changes;
  private double previous = Double.NaN;
  private double averageGain;
  private double averageLoss;

  public RelativeStrengthIndex(int period) {
    if (period < 1) throw new IllegalArgumentException("period must be >= 1");
    this.period = period;
  }

  @Override
  public void update(double price) {
    if (Double.isNaN(previous)) {
      previous = price;
      return;
    }
    double change = price - previous;
    previous = price;
    double gain = Math.max(change, 0);
    double loss = Math.max(-change, 0);
    changes++;
    if (changes <= period) {
      averageGain += (gain - averageGain) / changes;
      averageLoss += (loss - averageLoss) / changes;
    } else {
      averageGain = (averageGain * (period - 1) + gain) / period;
      averageLoss = (averageLoss * (period - 1) + loss) / period;
    }
  }

  @Override
  public boolean ready() { return changes >= period; }

  @Override
  public double value() {
    if (averageLoss == 0) return averageGain == 0 ? 50 : 100;
    return 100 - 100 / (1 + averageGain / averageLoss);
  }
}

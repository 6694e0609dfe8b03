package io.bourse.trading.strategy;

/**
 * The declarative part of a strategy: which indicator pattern opens and closes a (long-only) position. A rule is a
 * value; {@link #newDetector()} makes the per-profile streaming state that evaluates it.
 */
public sealed interface EntryRule {

  SignalDetector newDetector();

  /** Stateful evaluator of one rule for one profile. */
  interface SignalDetector {
    EntrySignal onPrice(double price);
  }

  enum AverageKind { SMA, EMA }

  /** Enter when the fast average crosses above the slow one, exit when it crosses below. */
  record MovingAverageCrossover(AverageKind kind, int fastPeriod, int slowPeriod) implements EntryRule {
    public MovingAverageCrossover {
      if (fastPeriod < 1 || slowPeriod <= fastPeriod) {
        throw new IllegalArgumentException("need 1 <= fastPeriod < slowPeriod, got " + fastPeriod + "/" + slowPeriod);
      }
    }

    @Override
    public SignalDetector newDetector() {
      Indicator fast = kind == AverageKind.SMA ? new SimpleMovingAverage(fastPeriod) : new ExponentialMovingAverage(fastPeriod);
      Indicator slow = kind == AverageKind.SMA ? new SimpleMovingAverage(slowPeriod) : new ExponentialMovingAverage(slowPeriod);
      return new SignalDetector() {
        private int previousSide;

        @Override
        public EntrySignal onPrice(double price) {
          fast.update(price);
          slow.update(price);
          if (!slow.ready()) return EntrySignal.NONE;
          int side = Double.compare(fast.value(), slow.value());
          int before = previousSide;
          previousSide = side;
          if (before <= 0 && side > 0) return EntrySignal.ENTER_LONG;
          if (before >= 0 && side < 0) return EntrySignal.EXIT_LONG;
          return EntrySignal.NONE;
        }
      };
    }
  }

  /** Enter when RSI is at or below {@code oversold}, exit when it is at or above {@code overbought}. */
  record RsiThreshold(int period, double oversold, double overbought) implements EntryRule {
    public RsiThreshold {
      if (period < 1 || !(0 <= oversold && oversold < overbought && overbought <= 100)) {
        throw new IllegalArgumentException("need period >= 1 and 0 <= oversold < overbought <= 100");
      }
    }

    @Override
    public SignalDetector newDetector() {
      RelativeStrengthIndex rsi = new RelativeStrengthIndex(period);
      return price -> {
        rsi.update(price);
        if (!rsi.ready()) return EntrySignal.NONE;
        double value = rsi.value();
        if (value <= oversold) return EntrySignal.ENTER_LONG;
        if (value >= overbought) return EntrySignal.EXIT_LONG;
        return EntrySignal.NONE;
      };
    }
  }

  /** Enter when the price exceeds the highest of the previous {@code lookback} prices, exit below their lowest. */
  record Breakout(int lookback) implements EntryRule {
    public Breakout {
      if (lookback < 1) throw new IllegalArgumentException("lookback must be >= 1");
    }

    @Override
    public SignalDetector newDetector() {
      RollingExtremes previous = new RollingExtremes(lookback);
      return price -> {
        EntrySignal signal = EntrySignal.NONE;
        if (previous.ready()) {
          if (price > previous.highest()) signal = EntrySignal.ENTER_LONG;
          else if (price < previous.lowest()) signal = EntrySignal.EXIT_LONG;
        }
        previous.update(price);
        return signal;
      };
    }
  }
}

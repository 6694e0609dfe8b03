package io.bourse.trading.strategy;

/**
 * The declarative part of a strategy: which indicator pattern opens and closes a (long-only) position. A rule is a
 * value; {@link #newDetector} makes the per-profile state that evaluates it over indicators taken from a source
 * (shared with other profiles through {@link IndicatorPool}).
 */
public sealed interface EntryRule {

  SignalDetector newDetector(IndicatorSource indicators);

  /**
   * Stateful evaluator of one rule for one profile. Called once per price, after the source's indicators have seen it
   * (averages, RSI) and before the breakout windows have.
   */
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
    public SignalDetector newDetector(IndicatorSource indicators) {
      Indicator fast = kind == AverageKind.SMA ? indicators.sma(fastPeriod) : indicators.ema(fastPeriod);
      Indicator slow = kind == AverageKind.SMA ? indicators.sma(slowPeriod) : indicators.ema(slowPeriod);
      return new SignalDetector() {
        private int previousSide;

        @Override
        public EntrySignal onPrice(double price) {
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
    public SignalDetector newDetector(IndicatorSource indicators) {
      Indicator rsi = indicators.rsi(period);
      return price -> {
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
    public SignalDetector newDetector(IndicatorSource indicators) {
      RollingExtremes previous = indicators.previousExtremes(lookback);
      return price -> {
        if (!previous.ready()) return EntrySignal.NONE;
        if (price > previous.highest()) return EntrySignal.ENTER_LONG;
        if (price < previous.lowest()) return EntrySignal.EXIT_LONG;
        return EntrySignal.NONE;
      };
    }
  }
}

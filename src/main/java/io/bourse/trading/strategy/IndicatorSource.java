package io.bourse.trading.strategy;

/**
 * Where a rule gets its indicators. Rules only read them; whoever hands them out updates them once per price, so
 * profiles asking for the same kind and period can share one instance.
 */
public interface IndicatorSource {
  Indicator sma(int period);

  Indicator ema(int period);

  Indicator rsi(int period);

  /** Highest and lowest of the {@code window} prices before the current one (updated after the rules have read it). */
  RollingExtremes previousExtremes(int window);
}

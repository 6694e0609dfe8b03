package io.bourse.trading.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each streaming indicator against a naive recomputation over the full history. */
class IndicatorsTest {
  private static final double[] PRICES = randomWalk(2_000, 7);

  private static double[] randomWalk(int n, long seed) {
    Random random = new Random(seed);
    double[] prices = new double[n];
    double price = 100;
    for (int i = 0; i < n; i++) {
      price = Math.max(1, price + random.nextGaussian());
      prices[i] = price;
    }
    return prices;
  }

  @Test
  void smaMatchesTheMeanOfTheLastPeriodValues() {
    SimpleMovingAverage sma = new SimpleMovingAverage(20);
    for (int i = 0; i < PRICES.length; i++) {
      sma.update(PRICES[i]);
      assertThat(sma.ready()).isEqualTo(i >= 19);
      if (sma.ready()) {
        double naive = Arrays.stream(PRICES, i - 19, i + 1).average().orElseThrow();
        assertThat(sma.value()).isCloseTo(naive, within(1e-9));
      }
    }
  }

  @Test
  void emaIsSeededWithTheSmaThenSmoothed() {
    ExponentialMovingAverage ema = new ExponentialMovingAverage(10);
    for (int i = 0; i < 10; i++) ema.update(PRICES[i]);
    assertThat(ema.ready()).isTrue();
    double expected = Arrays.stream(PRICES, 0, 10).average().orElseThrow();
    assertThat(ema.value()).isCloseTo(expected, within(1e-9));
    for (int i = 10; i < PRICES.length; i++) {
      ema.update(PRICES[i]);
      expected += 2.0 / 11 * (PRICES[i] - expected);
    }
    assertThat(ema.value()).isCloseTo(expected, within(1e-9));
  }

  @Test
  void rsiFollowsWildersDefinition() {
    int period = 14;
    RelativeStrengthIndex rsi = new RelativeStrengthIndex(period);
    double gain = 0;
    double loss = 0;
    for (int i = 0; i < PRICES.length; i++) {
      rsi.update(PRICES[i]);
      if (i == 0) continue;
      double change = PRICES[i] - PRICES[i - 1];
      if (i <= period) {
        gain += Math.max(change, 0) / period;
        loss += Math.max(-change, 0) / period;
      } else {
        gain = (gain * (period - 1) + Math.max(change, 0)) / period;
        loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
      }
      assertThat(rsi.ready()).isEqualTo(i >= period);
      if (rsi.ready()) assertThat(rsi.value()).isCloseTo(100 - 100 / (1 + gain / loss), within(1e-9));
    }
  }

  @Test
  void rsiOfAStrictRiseIsHundred() {
    RelativeStrengthIndex rsi = new RelativeStrengthIndex(3);
    for (int p = 1; p <= 5; p++) rsi.update(p);
    assertThat(rsi.value()).isEqualTo(100);
  }

  @Test
  void rollingExtremesMatchTheWindowMaxAndMin() {
    RollingExtremes extremes = new RollingExtremes(25);
    for (int i = 0; i < PRICES.length; i++) {
      extremes.update(PRICES[i]);
      int from = Math.max(0, i - 24);
      assertThat(extremes.highest()).isEqualTo(Arrays.stream(PRICES, from, i + 1).max().orElseThrow());
      assertThat(extremes.lowest()).isEqualTo(Arrays.stream(PRICES, from, i + 1).min().orElseThrow());
    }
  }
}

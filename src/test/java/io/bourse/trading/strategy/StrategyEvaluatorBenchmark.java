package io.bourse.trading.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #6 budget: evaluating 1,000 enabled profiles on one tick costs under 50 µs at p99. One JMH run measures
 * {@link #evaluateThousandProfiles} (the real evaluator, for a typical and a nothing-shared profile mix) and
 * {@link #rawIndicatorMathBaseline} (the same four indicator families updated for 1,000 slots in flat primitive arrays,
 * no objects, no sharing, no signals, no exit checks), so the figures are read off the same machine under the same
 * load.
 *
 * <p>Not a *Test, so the normal build skips it; {@code mvn -B -Pbenchmarks test} (or
 * {@code -Dtest=StrategyEvaluatorBenchmark}) runs it. See docs/BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class StrategyEvaluatorBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(StrategyEvaluatorBenchmark.class);
  private static final int PROFILES = 1_000;
  private static final int TICKS = 1 << 14;
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  private Tick[] ticks;
  private double[] prices;
  private int next;
  private RawIndicators raw;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    ticks = new Tick[TICKS];
    prices = new double[TICKS];
    double price = 100;
    for (int i = 0; i < TICKS; i++) {
      price = Math.max(10, price + random.nextGaussian() * 0.2);
      BigDecimal exact = BigDecimal.valueOf(Math.round(price * 100), 2);
      ticks[i] = new Tick("BTC", exact, T0.plusMillis(i * 100L));
      prices[i] = exact.doubleValue();
    }
    raw = new RawIndicators(PROFILES);
  }

  /**
   * The profiles under test. {@code typical}: periods drawn from small sets (fast 5–11, slow 20–50, RSI 10–18,
   * breakout 10–30), so the 1,000 profiles share 106 distinct indicators, as real configurations repeat common
   * periods. {@code distinct}: every profile's periods are its own (fast 5–254, slow 300–549, RSI and breakout
   * 5–254), 1,500 indicators, nothing shared: the worst case.
   */
  @State(Scope.Thread)
  public static class Profiles {
    @Param({"typical", "distinct"})
    public String mix;

    StrategyEvaluator evaluator;

    @Setup
    public void setUp() {
      evaluator = new StrategyEvaluator();
      for (int i = 0; i < PROFILES; i++) evaluator.register(profile(i, "distinct".equals(mix)));
    }
  }

  /** A mix of every rule family, each with stop-loss, take-profit, trailing stop and a cooldown. */
  static StrategyProfile profile(int i, boolean distinct) {
    int fast = distinct ? 5 + i / 4 : 5 + i % 7;
    int slow = distinct ? 300 + i / 4 : 20 + i % 31;
    EntryRule rule = switch (i % 4) {
      case 0 -> new EntryRule.MovingAverageCrossover(EntryRule.AverageKind.SMA, fast, slow);
      case 1 -> new EntryRule.MovingAverageCrossover(EntryRule.AverageKind.EMA, fast, slow);
      case 2 -> new EntryRule.RsiThreshold(distinct ? 5 + i / 4 : 10 + i % 9, 30, 70);
      default -> new EntryRule.Breakout(distinct ? 5 + i / 4 : 10 + i % 21);
    };
    ExitRules exits = new ExitRules(new BigDecimal("0.02"), new BigDecimal("0.04"), new BigDecimal("0.015"));
    PositionSizing sizing = i % 2 == 0 ? new PositionSizing.FixedQuantity(new BigDecimal("0.5"))
        : new PositionSizing.FixedNotional(new BigDecimal("1000"));
    return new StrategyProfile("p" + i, "acc" + (i % 50), "BTC", rule, exits, Duration.ofSeconds(5), sizing,
        new BigDecimal("0.001"), true);
  }

  @Benchmark
  public List<StrategySignal> evaluateThousandProfiles(Profiles profiles) {
    return profiles.evaluator.onTick(ticks[next++ & (TICKS - 1)]);
  }

  @Benchmark
  public void rawIndicatorMathBaseline(Blackhole blackhole) {
    blackhole.consume(raw.update(prices[next++ & (TICKS - 1)]));
  }

  /**
   * The baseline: the {@code typical} periods, one slot per profile (no sharing), updated in primitive arrays. Breakout
   * scans its window directly.
   */
  static final class RawIndicators {
    private static final int MAX_WINDOW = 64;
    private final int slots;
    private final int[] fast;
    private final int[] slow;
    private final double[] fastSum;
    private final double[] slowSum;
    private final double[] ring;
    private final double[] emaFast;
    private final double[] emaSlow;
    private final double[] avgGain;
    private final double[] avgLoss;
    private long count;
    private double previous = Double.NaN;

    RawIndicators(int slots) {
      this.slots = slots;
      fast = new int[slots];
      slow = new int[slots];
      for (int i = 0; i < slots; i++) {
        fast[i] = 5 + i % 7;
        slow[i] = i % 4 == 2 ? 10 + i % 9 : i % 4 == 3 ? 10 + i % 21 : 20 + i % 31;
      }
      fastSum = new double[slots];
      slowSum = new double[slots];
      ring = new double[MAX_WINDOW];
      emaFast = new double[slots];
      emaSlow = new double[slots];
      avgGain = new double[slots];
      avgLoss = new double[slots];
    }

    int update(double price) {
      int slot = (int) (count % MAX_WINDOW);
      ring[slot] = price;
      count++;
      double change = Double.isNaN(previous) ? 0 : price - previous;
      previous = price;
      int signals = 0;
      for (int i = 0; i < slots; i++) {
        switch (i & 3) {
          case 0 -> {
            fastSum[i] += price - ring[(int) ((count - 1 - fast[i] + MAX_WINDOW * 4L) % MAX_WINDOW)];
            slowSum[i] += price - ring[(int) ((count - 1 - slow[i] + MAX_WINDOW * 4L) % MAX_WINDOW)];
            if (fastSum[i] / fast[i] > slowSum[i] / slow[i]) signals++;
          }
          case 1 -> {
            emaFast[i] += 2.0 / (fast[i] + 1) * (price - emaFast[i]);
            emaSlow[i] += 2.0 / (slow[i] + 1) * (price - emaSlow[i]);
            if (emaFast[i] > emaSlow[i]) signals++;
          }
          case 2 -> {
            int n = slow[i];
            avgGain[i] = (avgGain[i] * (n - 1) + Math.max(change, 0)) / n;
            avgLoss[i] = (avgLoss[i] * (n - 1) + Math.max(-change, 0)) / n;
            double rsi = avgLoss[i] == 0 ? 100 : 100 - 100 / (1 + avgGain[i] / avgLoss[i]);
            if (rsi < 30) signals++;
          }
          default -> {
            double high = Double.NEGATIVE_INFINITY;
            for (int k = 1; k <= slow[i]; k++) {
              high = Math.max(high, ring[(int) ((count - 1 - k + MAX_WINDOW * 4L) % MAX_WINDOW)]);
            }
            if (price > high) signals++;
          }
        }
      }
      return signals;
    }
  }

  @Test
  void runWithJmh() throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(StrategyEvaluatorBenchmark.class.getName() + "\\.")
        .build()).run();
    assertThat(results).hasSize(3);
    for (RunResult result : results) {
      var stats = result.getPrimaryResult().getStatistics();
      LOG.info("{} {}: mean {} us, p50 {} us, p99 {} us, p99.9 {} us, samples {}", result.getParams().getBenchmark(),
          result.getParams().getParam("mix"),
          String.format("%.2f", stats.getMean()), String.format("%.2f", stats.getPercentile(50)),
          String.format("%.2f", stats.getPercentile(99)), String.format("%.2f", stats.getPercentile(99.9)),
          stats.getN());
    }
  }
}

package io.bourse.trading.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.trading.domain.EventSource;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.PlaceOrder;
import io.bourse.trading.domain.Side;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyEvaluatorTest {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
  private static final EntryRule BREAKOUT_3 = new EntryRule.Breakout(3);
  private final StrategyEvaluator evaluator = new StrategyEvaluator();
  private int second;

  private static BigDecimal d(String v) { return new BigDecimal(v); }

  private static StrategyProfile profile(String id, EntryRule rule, ExitRules exits, Duration cooldown,
      PositionSizing sizing) {
    return new StrategyProfile(id, "acc", "BTC", rule, exits, cooldown, sizing, d("0.01"), true);
  }

  private List<StrategySignal> feed(String... prices) {
    List<StrategySignal> all = new ArrayList<>();
    for (String price : prices) all.addAll(evaluator.onTick(new Tick("BTC", d(price), T0.plusSeconds(second++))));
    return all;
  }

  @Test
  void breakoutEntersAboveThePreviousHighAndExitsBelowThePreviousLow() {
    evaluator.register(profile("p", BREAKOUT_3, ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("2"))));
    assertThat(feed("100", "101", "100.5", "100.8")).isEmpty();
    List<StrategySignal> entry = feed("102");
    assertThat(entry).singleElement().satisfies(s -> {
      assertThat(s.side()).isEqualTo(Side.BUY);
      assertThat(s.quantity()).isEqualByComparingTo("2");
      assertThat(s.reason()).isEqualTo(SignalReason.ENTRY);
    });
    assertThat(feed("103")).isEmpty();
    assertThat(feed("99")).singleElement().satisfies(s -> {
      assertThat(s.side()).isEqualTo(Side.SELL);
      assertThat(s.reason()).isEqualTo(SignalReason.EXIT_SIGNAL);
    });
  }

  @Test
  void smaCrossoverSignalsOnTheCrossOnly() {
    evaluator.register(profile("p", new EntryRule.MovingAverageCrossover(EntryRule.AverageKind.SMA, 2, 4),
        ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    assertThat(feed("10", "10", "10", "10")).isEmpty();
    assertThat(feed("12")).extracting(StrategySignal::reason).containsExactly(SignalReason.ENTRY);
    assertThat(feed("13")).isEmpty();
    assertThat(feed("8", "6")).extracting(StrategySignal::side).containsExactly(Side.SELL);
  }

  @Test
  void emaCrossoverAlsoTriggers() {
    evaluator.register(profile("p", new EntryRule.MovingAverageCrossover(EntryRule.AverageKind.EMA, 2, 5),
        ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    assertThat(feed("10", "10", "10", "10", "10", "11")).extracting(StrategySignal::side).containsExactly(Side.BUY);
  }

  @Test
  void rsiEntersWhenOversoldAndExitsWhenOverbought() {
    evaluator.register(profile("p", new EntryRule.RsiThreshold(3, 30, 70), ExitRules.NONE, Duration.ZERO,
        new PositionSizing.FixedQuantity(d("1"))));
    assertThat(feed("10", "9", "8", "7")).extracting(StrategySignal::side).containsExactly(Side.BUY);
    assertThat(feed("8", "9", "10")).extracting(StrategySignal::side).containsExactly(Side.SELL);
  }

  @Test
  void stopLossTakeProfitAndTrailingStopExitAtTheirLevels() {
    ExitRules stopOnly = new ExitRules(d("0.05"), null, null);
    evaluator.register(profile("p", BREAKOUT_3, stopOnly, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    feed("90", "90", "90", "101");
    assertThat(feed("96.1")).isEmpty();
    assertThat(feed("95.95")).extracting(StrategySignal::reason).containsExactly(SignalReason.STOP_LOSS);

    evaluator.register(profile("p", BREAKOUT_3, new ExitRules(null, d("0.1"), null), Duration.ZERO,
        new PositionSizing.FixedQuantity(d("1"))));
    feed("90", "90", "90", "100");
    assertThat(feed("110")).extracting(StrategySignal::reason).containsExactly(SignalReason.TAKE_PROFIT);

    evaluator.register(profile("p", BREAKOUT_3, new ExitRules(null, null, d("0.1")), Duration.ZERO,
        new PositionSizing.FixedQuantity(d("1"))));
    feed("90", "90", "90", "100");
    assertThat(feed("120", "109")).isEmpty();
    assertThat(feed("108")).extracting(StrategySignal::reason).containsExactly(SignalReason.TRAILING_STOP);
  }

  @Test
  void levelDecisionsAreExactEvenWhereDoublesCannotTellThePricesApart() {
    evaluator.register(profile("p", BREAKOUT_3, new ExitRules(d("0.05"), null, null), Duration.ZERO,
        new PositionSizing.FixedQuantity(d("1"))));
    feed("90", "90", "90", "101");
    assertThat(feed("95.95000000000000000001")).as("a hair above the 95.95 stop").isEmpty();
    assertThat(feed("95.94999999999999999999")).extracting(StrategySignal::reason)
        .containsExactly(SignalReason.STOP_LOSS);
  }

  @Test
  void cooldownBlocksReEntryButIndicatorsKeepLearning() {
    evaluator.register(profile("p", BREAKOUT_3, new ExitRules(d("0.05"), null, null), Duration.ofSeconds(10),
        new PositionSizing.FixedQuantity(d("1"))));
    feed("100", "100", "100", "101");
    assertThat(feed("90")).extracting(StrategySignal::reason).containsExactly(SignalReason.STOP_LOSS);
    assertThat(feed("91", "92", "93", "94")).as("breakouts inside the cooldown").isEmpty();
    second += 10;
    assertThat(feed("95")).extracting(StrategySignal::reason).containsExactly(SignalReason.ENTRY);
  }

  @Test
  void fixedNotionalIsFlooredToWholeLotsAndTooSmallMeansNoOrder() {
    assertThat(new PositionSizing.FixedNotional(d("1000")).quantity(d("333"), d("0.01"))).isEqualByComparingTo("3");
    assertThat(new PositionSizing.FixedNotional(d("1000")).quantity(d("3000"), d("0.5"))).isEqualByComparingTo("0");
    evaluator.register(profile("p", BREAKOUT_3, ExitRules.NONE, Duration.ZERO,
        new PositionSizing.FixedNotional(d("0.001"))));
    assertThat(feed("100", "100", "100", "101")).isEmpty();
  }

  @Test
  void signalsBecomeDeterministicMarketOrdersFromTheStrategy() {
    evaluator.register(profile("p", BREAKOUT_3, ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    StrategySignal signal = feed("100", "100", "100", "101").get(0);
    PlaceOrder order = signal.toPlaceOrder();
    assertThat(order.type()).isEqualTo(OrderType.MARKET);
    assertThat(order.source()).isEqualTo(EventSource.STRATEGY);
    assertThat(order.profileId()).isEqualTo("p");
    assertThat(order.idempotencyKey()).isEqualTo(new StrategySignal("p", "acc", "BTC", Side.BUY, d("1"),
        SignalReason.ENTRY, d("101"), signal.at()).idempotencyKey());
  }

  @Test
  void syncPositionReplacesTheOptimisticBelief() {
    evaluator.register(profile("p", BREAKOUT_3, ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    feed("100", "100", "100", "101");
    assertThat(evaluator.heldQuantity("p")).isEqualByComparingTo("1");
    evaluator.syncPosition("p", BigDecimal.ZERO, null);
    assertThat(feed("99")).as("nothing held, so nothing to exit").isEmpty();
  }

  @Test
  void profilesWithTheSameIndicatorsShareThemAndSignalAlike() {
    EntryRule crossover = new EntryRule.MovingAverageCrossover(EntryRule.AverageKind.SMA, 2, 4);
    evaluator.register(profile("a", crossover, ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    evaluator.register(profile("b", crossover, ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    evaluator.register(profile("c", new EntryRule.MovingAverageCrossover(EntryRule.AverageKind.SMA, 4, 8),
        ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    assertThat(evaluator.indicatorCount("BTC")).as("sma:2, sma:4, sma:8").isEqualTo(3);
    assertThat(feed("10", "10", "10", "10", "12")).extracting(StrategySignal::profileId).containsExactly("a", "b");
    evaluator.remove("a");
    assertThat(evaluator.indicatorCount("BTC")).isEqualTo(3);
    evaluator.remove("b");
    assertThat(evaluator.indicatorCount("BTC")).as("sma:2 released with its last user").isEqualTo(2);
    evaluator.remove("c");
    assertThat(evaluator.indicatorCount("BTC")).isZero();
  }

  @Test
  void profilesOnlySeeTheirSymbolAndDisabledOnesAreDropped() {
    evaluator.register(profile("p", BREAKOUT_3, ExitRules.NONE, Duration.ZERO, new PositionSizing.FixedQuantity(d("1"))));
    evaluator.register(new StrategyProfile("q", "acc", "ETH", BREAKOUT_3, null, null,
        new PositionSizing.FixedQuantity(d("1")), d("0.01"), true));
    assertThat(evaluator.size()).isEqualTo(2);
    assertThat(feed("100", "100", "100", "101")).extracting(StrategySignal::profileId).containsExactly("p");
    evaluator.register(new StrategyProfile("q", "acc", "ETH", BREAKOUT_3, null, null,
        new PositionSizing.FixedQuantity(d("1")), d("0.01"), false));
    assertThat(evaluator.size()).isEqualTo(1);
    evaluator.remove("p");
    assertThat(feed("200")).isEmpty();
  }
}

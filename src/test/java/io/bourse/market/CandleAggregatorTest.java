package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandleAggregatorTest {
  final List<Candle> closed = new ArrayList<>();
  final CandleAggregator agg = new CandleAggregator(EnumSet.allOf(Interval.class), closed::add);
  long seq;

  Tick tick(String ts, String price, String size) {
    return new Tick("BTC-USD", seq++, new BigDecimal(price), new BigDecimal(size), null, null, Instant.parse(ts), 0);
  }

  @Test
  void intervalParsingAndBuckets() {
    assertThat(Interval.parse("5m")).contains(Interval.M5);
    assertThat(Interval.parse("2m")).isEmpty();
    assertThat(Interval.parse(null)).isEmpty();
    assertThat(Interval.H1.bucketStart(Instant.parse("2026-11-23T09:59:59.999Z"))).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
    assertThat(Interval.D1.bucketStart(Instant.parse("2026-11-23T23:59:59Z"))).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(Interval.M1.bucketStart(-1)).isEqualTo(-60_000);
  }

  @Test
  void buildsOhlcvAndClosesOnBucketRoll() {
    agg.onTick(tick("2026-11-23T09:00:00.000Z", "100.00", "1"));
    agg.onTick(tick("2026-11-23T09:00:20.000Z", "105.50", "2"));
    agg.onTick(tick("2026-11-23T09:00:40.000Z", "99.25", "0.5"));
    agg.onTick(tick("2026-11-23T09:00:59.999Z", "101.00", "1.5"));
    assertThat(closed).isEmpty();
    Candle open1m = agg.current("BTC-USD", Interval.M1);
    assertThat(open1m.trades()).isEqualTo(4);

    agg.onTick(tick("2026-11-23T09:01:00.000Z", "102.00", "1"));
    assertThat(closed).hasSize(1);
    Candle c = closed.get(0);
    assertThat(c.interval()).isEqualTo(Interval.M1);
    assertThat(c.openTime()).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
    assertThat(c.closeTime()).isEqualTo(Instant.parse("2026-11-23T09:01:00Z"));
    assertThat(c.open()).isEqualByComparingTo("100.00");
    assertThat(c.high()).isEqualByComparingTo("105.50");
    assertThat(c.low()).isEqualByComparingTo("99.25");
    assertThat(c.close()).isEqualByComparingTo("101.00");
    assertThat(c.volume().toPlainString()).isEqualTo("5.0");
    assertThat(c.trades()).isEqualTo(4);
    // 5m, 1h, 1d still open and include all five ticks
    assertThat(agg.current("BTC-USD", Interval.M5).trades()).isEqualTo(5);
    assertThat(agg.current("BTC-USD", Interval.D1).high()).isEqualByComparingTo("105.50");
  }

  @Test
  void hourAndDayBucketsRollAtUtcBoundaries() {
    agg.onTick(tick("2026-11-23T23:59:59.999Z", "10", "1"));
    agg.onTick(tick("2026-11-24T00:00:00.000Z", "11", "1"));
    assertThat(closed).extracting(Candle::interval).containsExactlyInAnyOrder(Interval.values());
    assertThat(closed).allSatisfy(c -> assertThat(c.closeTime()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z")));
  }

  @Test
  void lateTicksNeverReopenAClosedBucket() {
    agg.onTick(tick("2026-11-23T09:00:10Z", "100", "1"));
    agg.onTick(tick("2026-11-23T09:01:10Z", "101", "1"));
    agg.onTick(tick("2026-11-23T09:00:50Z", "500", "1"));
    assertThat(closed).hasSize(1);
    assertThat(agg.current("BTC-USD", Interval.M1).high()).isEqualByComparingTo("101");
    assertThat(agg.current("BTC-USD", Interval.M5).high()).as("still in the open 5m bucket").isEqualByComparingTo("500");
    assertThat(agg.lateTicks()).isEqualTo(1);
  }

  @Test
  void closeDueClosesQuietSymbolsOnceAndThenIgnoresLateTicks() {
    agg.onTick(tick("2026-11-23T09:00:10Z", "100", "1"));
    agg.closeDue(Instant.parse("2026-11-23T09:00:59Z"));
    assertThat(closed).isEmpty();
    agg.closeDue(Instant.parse("2026-11-23T09:01:00Z"));
    assertThat(closed).extracting(Candle::interval).containsExactly(Interval.M1);
    agg.closeDue(Instant.parse("2026-11-23T09:02:00Z"));
    assertThat(closed).hasSize(1);
    agg.onTick(tick("2026-11-23T09:00:30Z", "90", "1"));
    assertThat(agg.current("BTC-USD", Interval.M1)).isNull();
    assertThat(agg.lateTicks()).isEqualTo(1);
  }

  @Test
  void theQuietSweepLeavesABacklogSymbolAloneUntilItGoesQuiet() {
    Instant hourAgo = Instant.parse("2026-11-23T09:00:10Z");
    Instant now = Instant.parse("2026-11-23T10:00:00Z");
    long t = 1_000_000_000L;
    agg.onTick(new Tick("BTC-USD", 1, new BigDecimal("100"), BigDecimal.ONE, null, null, hourAgo, t));
    agg.onTick(new Tick("ETH-USD", 1, new BigDecimal("10"), BigDecimal.ONE, null, null, hourAgo, t - 5_000_000_000L));
    agg.closeQuietDue(now, t + 500_000_000L, 2_000_000_000L);
    assertThat(closed).extracting(Candle::symbol).containsOnly("ETH-USD");
    // BTC is mid-backlog: its next old tick still lands in the open minute instead of being dropped as late.
    agg.onTick(new Tick("BTC-USD", 2, new BigDecimal("105"), BigDecimal.ONE, null, null, hourAgo.plusSeconds(5), t + 600_000_000L));
    assertThat(agg.current("BTC-USD", Interval.M1).trades()).isEqualTo(2);
    assertThat(agg.lateTicks()).isZero();
    agg.closeQuietDue(now, t + 3_000_000_000L, 2_000_000_000L);
    assertThat(closed).filteredOn(c -> c.symbol().equals("BTC-USD") && c.interval() == Interval.M1)
        .singleElement().satisfies(c -> assertThat(c.high()).isEqualByComparingTo("105"));
  }

  @Test
  void aRestoredCandleContinuesOnTheSymbolsFirstTickAndKeepsItsOpen() {
    Candle hour = new Candle("BTC-USD", Interval.H1, Instant.parse("2026-11-23T09:00:00Z"), new BigDecimal("100"),
        new BigDecimal("110"), new BigDecimal("95"), new BigDecimal("104"), new BigDecimal("12.5"), 40);
    agg.restore(List.of(hour));
    assertThat(agg.pendingRestores()).isEqualTo(1);
    assertThat(agg.current("BTC-USD", Interval.H1)).as("waits for the symbol's first tick").isNull();

    agg.onTick(tick("2026-11-23T09:30:00Z", "120", "0.5"));
    Candle continued = agg.current("BTC-USD", Interval.H1);
    assertThat(continued.open()).isEqualByComparingTo("100");
    assertThat(continued.high()).isEqualByComparingTo("120");
    assertThat(continued.low()).isEqualByComparingTo("95");
    assertThat(continued.close()).isEqualByComparingTo("120");
    assertThat(continued.volume()).isEqualByComparingTo("13.0");
    assertThat(continued.trades()).isEqualTo(41);
    assertThat(agg.current("BTC-USD", Interval.M1).trades()).as("intervals with nothing restored start fresh").isEqualTo(1);
    assertThat(agg.pendingRestores()).isZero();

    // A tick of the next hour closes the continued candle once, with everything.
    agg.onTick(tick("2026-11-23T10:00:01Z", "90", "1"));
    assertThat(closed).filteredOn(c -> c.interval() == Interval.H1).singleElement()
        .satisfies(c -> assertThat(c.trades()).isEqualTo(41));
  }

  @Test
  void pendingRestoresAreAppliedForAnOwnerOfEverySymbolOrDiscarded() {
    Candle eth = new Candle("ETH-USD", Interval.D1, Instant.parse("2026-11-23T00:00:00Z"), new BigDecimal("10"),
        new BigDecimal("11"), new BigDecimal("9"), new BigDecimal("10.5"), new BigDecimal("3"), 3);
    Candle sol = new Candle("SOL-USD", Interval.D1, Instant.parse("2026-11-23T00:00:00Z"), new BigDecimal("1"),
        new BigDecimal("1"), new BigDecimal("1"), new BigDecimal("1"), new BigDecimal("1"), 1);
    agg.restore(List.of(eth));
    assertThat(agg.applyPendingRestores()).isEqualTo(1);
    assertThat(agg.current("ETH-USD", Interval.D1).trades()).isEqualTo(3);
    // Quiet since "long ago": the sweep closes it once its day has ended.
    agg.closeQuietDue(Instant.parse("2026-11-24T00:00:05Z"), System.nanoTime(), 1_000_000_000L);
    assertThat(closed).singleElement().satisfies(c -> assertThat(c.symbol()).isEqualTo("ETH-USD"));

    agg.restore(List.of(sol));
    assertThat(agg.discardPendingRestores()).isEqualTo(1);
    agg.onTick(new Tick("SOL-USD", 1, new BigDecimal("2"), BigDecimal.ONE, null, null, Instant.parse("2026-11-23T12:00:00Z"), 0));
    assertThat(agg.current("SOL-USD", Interval.D1).trades()).as("discarded: not continued").isEqualTo(1);
  }
}

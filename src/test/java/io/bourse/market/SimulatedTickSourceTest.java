package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.config.ConfigProblems;
import io.bourse.market.source.SimulatedTickSource;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SimulatedTickSourceTest {
  static InstrumentJson.Seed seed() throws Exception {
    return InstrumentJson.parseSeed(new JsonObject(Files.readString(Path.of("conf/instruments.json"))));
  }

  static SimulatedTickSource source(long seed, int rate) throws Exception {
    InstrumentJson.Seed s = seed();
    return new SimulatedTickSource(null, null, s.catalogue(), s.simulation(), new MarketConfig.Simulated(rate, seed, false));
  }

  @Test
  void sameSeedSameWalkPricesOnTheTickGrid() throws Exception {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");
    List<Tick> a = source(7, 1_000).generate(7_000, now);
    List<Tick> b = source(7, 1_000).generate(7_000, now);
    List<Tick> c = source(8, 1_000).generate(7_000, now);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    Map<String, Instrument> bySymbol = new ConcurrentHashMap<>();
    seed().instruments().forEach(i -> bySymbol.put(i.symbol(), i));
    for (Tick t : a) {
      Instrument i = bySymbol.get(t.symbol());
      assertThat(t.price().signum()).isPositive();
      assertThat(i.isOnTick(t.price())).as("%s on %s grid", t.price(), i.tickSize()).isTrue();
      assertThat(t.size().remainder(i.lotSize()).signum()).isZero();
      assertThat(t.bid()).isLessThan(t.ask());
    }
    // per-symbol sequences are gapless from 0, so dedup never drops a simulated tick
    assertThat(a.stream().filter(t -> t.symbol().equals("AAPL")).mapToLong(Tick::sequence).toArray())
        .containsExactly(java.util.stream.LongStream.range(0, 1_000).toArray());
  }

  @Test
  void volatilityFollowsTheInstrument() throws Exception {
    // 1,000 ticks per instrument at 1 tick/s each ≈ 17 minutes of market.
    List<Tick> ticks = source(1, 7).generate(7_000, Instant.parse("2026-11-23T10:00:00Z"));
    double usdcRange = relativeRange(ticks, "USDC-USD");
    double solRange = relativeRange(ticks, "SOL-USD");
    assertThat(usdcRange).isLessThan(0.002);
    assertThat(solRange).isBetween(0.001, 0.2);
    assertThat(solRange).isGreaterThan(usdcRange * 5);
  }

  private static double relativeRange(List<Tick> ticks, String symbol) {
    List<BigDecimal> p = ticks.stream().filter(t -> t.symbol().equals(symbol)).map(Tick::price).toList();
    BigDecimal max = p.stream().max(BigDecimal::compareTo).orElseThrow();
    BigDecimal min = p.stream().min(BigDecimal::compareTo).orElseThrow();
    return max.subtract(min).doubleValue() / min.doubleValue();
  }

  @Test
  void deployedWithDefaultsTheFeedPublishesEveryInstrumentOnTheBus() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ConfigProblems problems = new ConfigProblems();
      MarketConfig config = MarketConfig.from(new JsonObject().put("simulated",
          new JsonObject().put("ticksPerSecond", 700).put("respectSessions", false)), problems);
      assertThat(problems.all()).isEmpty();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger records = new AtomicInteger();
      AtomicInteger json = new AtomicInteger();
      for (Instrument i : seed().instruments()) {
        vertx.eventBus().<JsonObject>consumer(Addresses.mdTick(i.symbol()), m -> {
          seen.add(m.body().getString("symbol"));
          json.incrementAndGet();
        });
        vertx.eventBus().<Tick>consumer(Addresses.mdInternalTick(i.symbol()), m -> records.incrementAndGet());
      }
      MarketDataVerticle v = new MarketDataVerticle(config, null);
      long deployed = System.currentTimeMillis();
      vertx.deployVerticle(v).await();
      long deadline = System.currentTimeMillis() + 10_000;
      while ((seen.size() < 7 || records.get() < 100) && System.currentTimeMillis() < deadline) Thread.sleep(20);
      assertThat(seen).hasSize(7);
      assertThat(records.get()).isGreaterThanOrEqualTo(100);
      // The bridge stream is conflated (default 100 ms): at most one JSON tick per symbol per period.
      long periods = (System.currentTimeMillis() - deployed) / 100 + 1;
      assertThat(json.get()).isLessThanOrEqualTo((int) (7 * periods)).isLessThan(records.get());
      JsonObject status = vertx.eventBus().<JsonObject>request(Addresses.MD_STATUS, null).await().body();
      assertThat(status.getJsonObject("source").getString("source")).isEqualTo("simulated");
      assertThat(status.getBoolean("anyStale")).isFalse();
      assertThat(status.getJsonObject("metrics").getLong("duplicates")).isZero();
    } finally {
      vertx.close().await();
    }
  }
}

package io.bourse.market.source;

import io.bourse.market.Instrument;
import io.bourse.market.InstrumentCatalogue;
import io.bourse.market.MarketConfig;
import io.bourse.market.MarketPipeline;
import io.bourse.market.SimulationProfile;
import io.bourse.market.Tick;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The zero-infrastructure default: a seeded geometric random walk per instrument. Volatility is annualised and scaled
 * to each instrument's tick interval, so BTC wanders like BTC and USDC barely moves. The walk runs in double (a model,
 * not money); every emitted price is a BigDecimal on the instrument's tick grid. Driven by a periodic timer that emits
 * the ticks due since the last firing — never blocks, never sleeps.
 */
public final class SimulatedTickSource implements TickSource {
  private static final long PERIOD_MS = 10;
  private static final double SECONDS_PER_YEAR = 365.25 * 24 * 3600;
  private static final SimulationProfile FALLBACK = new SimulationProfile(new BigDecimal("100"), 0.3);

  private final Vertx vertx;
  private final MarketPipeline pipeline;
  private final MarketConfig.Simulated config;
  private final List<Walk> walks = new ArrayList<>();
  private final SplittableRandom random;
  private long timer = -1;
  private long lastFireNanos;
  private double budget;
  private int cursor;
  private long emitted;

  private static final class Walk {
    final Instrument instrument;
    final double sigmaPerTick;
    double price;
    long sequence;

    Walk(Instrument instrument, double price, double sigmaPerTick) {
      this.instrument = instrument;
      this.price = price;
      this.sigmaPerTick = sigmaPerTick;
    }
  }

  public SimulatedTickSource(Vertx vertx, MarketPipeline pipeline, InstrumentCatalogue catalogue,
                             Map<String, SimulationProfile> profiles, MarketConfig.Simulated config) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.config = config;
    this.random = new SplittableRandom(config.seed());
    double perInstrumentRate = (double) config.ticksPerSecond() / Math.max(1, catalogue.size());
    double dtYears = 1.0 / Math.max(perInstrumentRate, 1e-9) / SECONDS_PER_YEAR;
    for (Instrument i : catalogue.all()) {
      SimulationProfile p = profiles.getOrDefault(i.symbol(), FALLBACK);
      walks.add(new Walk(i, p.startPrice().doubleValue(), p.annualVolatility() * Math.sqrt(dtYears)));
    }
  }

  @Override public String name() { return "simulated"; }

  @Override
  public Future<Void> start() {
    lastFireNanos = System.nanoTime();
    timer = vertx.setPeriodic(PERIOD_MS, id -> fire());
    return Future.succeededFuture();
  }

  private void fire() {
    long now = System.nanoTime();
    budget += config.ticksPerSecond() * (now - lastFireNanos) / 1e9;
    lastFireNanos = now;
    // Cap the catch-up after a long pause (GC, suspended laptop) to one second's worth.
    budget = Math.min(budget, config.ticksPerSecond());
    Instant wall = Instant.now();
    int n = (int) budget;
    budget -= n;
    for (int k = 0; k < n; k++) {
      Walk w = nextEligible(wall);
      if (w == null) break;
      pipeline.offerValid(step(w, wall, now));
      emitted++;
    }
    pipeline.endOfBatch();
  }

  private Walk nextEligible(Instant wall) {
    for (int tries = 0; tries < walks.size(); tries++) {
      Walk w = walks.get(cursor);
      cursor = (cursor + 1) % walks.size();
      if (!config.respectSessions() || w.instrument.session().isOpen(wall)) return w;
    }
    return null;
  }

  /** One step of the walk; package-visible for tests of price properties. */
  Tick step(Walk w, Instant wall, long receivedNanos) {
    double z = gaussian();
    w.price = w.price * Math.exp(w.sigmaPerTick * z - 0.5 * w.sigmaPerTick * w.sigmaPerTick);
    BigDecimal tickSize = w.instrument.tickSize();
    BigDecimal price = BigDecimal.valueOf(w.price).divide(tickSize, 0, RoundingMode.HALF_EVEN).multiply(tickSize);
    if (price.signum() <= 0) price = tickSize;
    // A walk that sinks below one tick would only ever print the floor; hold the model there instead.
    w.price = Math.max(w.price, tickSize.doubleValue());
    BigDecimal size = w.instrument.lotSize().multiply(BigDecimal.valueOf(1 + random.nextInt(100)));
    return new Tick(w.instrument.symbol(), w.sequence++, price, size, price.subtract(tickSize).max(tickSize),
        price.add(tickSize), wall, receivedNanos);
  }

  private double gaussian() {
    // Box-Muller on the seeded generator: reproducible for a given seed, unlike ThreadLocalRandom.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Deterministic sequence of ticks for a seed, without timers: used by tests and benchmarks. */
  public List<Tick> generate(int count, Instant wall) {
    List<Tick> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      Walk w = walks.get(cursor);
      cursor = (cursor + 1) % walks.size();
      out.add(step(w, wall, 0));
    }
    return out;
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  @Override
  public JsonObject status() {
    Map<String, Object> m = new HashMap<>();
    m.put("source", "simulated");
    m.put("emitted", emitted);
    m.put("ticksPerSecond", config.ticksPerSecond());
    return new JsonObject(m);
  }
}

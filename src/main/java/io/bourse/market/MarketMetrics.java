package io.bourse.market;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Market-data meters, written on the verticle's context and read from anywhere (metrics scrape, health). Counts are
 * monotonic so Prometheus derives rates. Everything here is also exported to the process registry once
 * {@link #bindTo} was called (tag {@code instance}: several market-data verticles may run, each with its own
 * consumer); meters whose label values appear at run time (symbol, partition) are registered when they first occur.
 */
public final class MarketMetrics {
  public final LongAdder ingested = new LongAdder();
  public final LongAdder accepted = new LongAdder();
  public final LongAdder duplicates = new LongAdder();
  /** Messages handed to the dead-letter destination (once each, however many attempts their write took). */
  public final LongAdder deadLettered = new LongAdder();
  /** Failed attempts to write a dead letter (each is retried). */
  public final LongAdder deadLetterFailures = new LongAdder();
  public final LongAdder candlesPersisted = new LongAdder();
  /** Failed candle batch writes (each is retried). */
  public final LongAdder persistFailures = new LongAdder();
  /** Closed candles given up on because more than the bound were waiting to be written. */
  public final LongAdder candlesDropped = new LongAdder();
  /** Failed checkpoint rounds (open candles and dedup marks; retried on the next round). */
  public final LongAdder checkpointFailures = new LongAdder();
  public final LongAdder sweepHolds = new LongAdder();
  private final Map<Rejection.Reason, LongAdder> invalid = new EnumMap<>(Rejection.Reason.class);
  private final Map<String, LongAdder> resetsBySymbol = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> gapsBySymbol = new ConcurrentHashMap<>();
  private final Map<String, Long> lagByPartition = new ConcurrentHashMap<>();
  private final Map<String, Meter> lagGauges = new ConcurrentHashMap<>();
  /** 1 while the wall-clock candle sweep is held for a disconnected or lagging source ({@link SweepGate}). */
  private volatile boolean sweepHeld;
  private volatile LongSupplier lateTicks = () -> 0;
  private volatile LongSupplier cacheHits = () -> 0;
  private volatile LongSupplier cacheMisses = () -> 0;
  private volatile LongSupplier deadLettersPending = () -> 0;
  private volatile LongSupplier candlesUnsaved = () -> 0;

  /**
   * Tick received from the source → published on the bus. Explicit buckets (not client-side percentiles): cheap per
   * tick and aggregatable across instances; until {@link #bindTo} it lives in a private registry.
   */
  private volatile Timer latency = latencyTimer(new SimpleMeterRegistry(), "-");
  private volatile MeterRegistry registry;
  private volatile String instance = "-";
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  public MarketMetrics() {
    for (Rejection.Reason r : Rejection.Reason.values()) invalid.put(r, new LongAdder());
  }

  public void invalid(Rejection.Reason reason) { invalid.get(reason).increment(); }

  public long invalidTotal() { return invalid.values().stream().mapToLong(LongAdder::sum).sum(); }

  public long invalidCount(Rejection.Reason reason) { return invalid.get(reason).sum(); }

  public void recordLatency(long nanos) { latency.record(Math.max(0, nanos), TimeUnit.NANOSECONDS); }

  /** Ticks recorded in the latency histogram. */
  public long latencyCount() { return latency.count(); }

  public void sequenceReset(String symbol) { perSymbol(resetsBySymbol, symbol, "bourse_market_sequence_resets",
      "Upstream sequence restarts accepted as a new epoch").increment(); }

  public void sequenceGap(String symbol) { perSymbol(gapsBySymbol, symbol, "bourse_market_sequence_gaps",
      "Ticks whose sequence skipped numbers after the symbol's mark (events, not skipped numbers)").increment(); }

  public long sequenceResets(String symbol) { LongAdder a = resetsBySymbol.get(symbol); return a == null ? 0 : a.sum(); }

  public long sequenceGaps(String symbol) { LongAdder a = gapsBySymbol.get(symbol); return a == null ? 0 : a.sum(); }

  private LongAdder perSymbol(Map<String, LongAdder> map, String symbol, String name, String description) {
    LongAdder a = map.get(symbol);
    if (a != null) return a;
    LongAdder created = map.computeIfAbsent(symbol, k -> new LongAdder());
    MeterRegistry r = registry;
    if (r != null) {
      meters.add(FunctionCounter.builder(name, created, LongAdder::sum).description(description)
          .tags(Tags.of("symbol", symbol, "instance", instance)).register(r));
    }
    return created;
  }

  /** Consumer lag of one partition: its end offset minus the next offset this consumer will process. */
  public void lag(String topic, int partition, long lag) {
    String key = topic + "-" + partition;
    lagByPartition.put(key, lag);
    MeterRegistry r = registry;
    if (r != null && !lagGauges.containsKey(key)) {
      Meter g = Gauge.builder("bourse_market_consumer_lag", lagByPartition, m -> m.getOrDefault(key, 0L))
          .description("Records in the partition not processed yet by this consumer (end offset minus position)")
          .tags(Tags.of("topic", topic, "partition", Integer.toString(partition), "instance", instance)).register(r);
      lagGauges.put(key, g);
      meters.add(g);
    }
  }

  /** The partition left this consumer (revoked): its lag is another consumer's to report. */
  public void removeLag(String topic, int partition) {
    String key = topic + "-" + partition;
    lagByPartition.remove(key);
    Meter g = lagGauges.remove(key);
    MeterRegistry r = registry;
    if (g != null) {
      meters.remove(g);
      if (r != null) r.remove(g);
    }
  }

  public Map<String, Long> lagByPartition() { return Map.copyOf(lagByPartition); }

  public void sweepHeld(boolean held) { this.sweepHeld = held; }

  public boolean sweepHeld() { return sweepHeld; }

  public void lateTicks(LongSupplier source) { this.lateTicks = source; }

  public void cache(LongSupplier hits, LongSupplier misses) {
    this.cacheHits = hits;
    this.cacheMisses = misses;
  }

  public void deadLettersPending(LongSupplier pending) { this.deadLettersPending = pending; }

  public void candlesUnsaved(LongSupplier unsaved) { this.candlesUnsaved = unsaved; }

  private static Timer latencyTimer(MeterRegistry registry, String instance) {
    return Timer.builder("bourse_market_tick_latency")
        .description("Tick received from the source until published on the event bus")
        .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5))
        .tag("instance", instance).register(registry);
  }

  /**
   * Registers the market meters in the process registry (scraped at /metrics), tagged with the verticle instance.
   * {@link #unbind} removes them again when the verticle stops.
   */
  public void bindTo(MeterRegistry registry, String instance) {
    this.instance = instance;
    meters.add(counter(registry, "bourse_market_ticks_ingested", "Messages offered to the market-data pipeline", ingested));
    meters.add(counter(registry, "bourse_market_ticks_accepted", "Valid, first-seen ticks", accepted));
    meters.add(counter(registry, "bourse_market_ticks_duplicate", "Redelivered ticks dropped by (symbol, sequence)", duplicates));
    for (Rejection.Reason r : Rejection.Reason.values()) {
      meters.add(FunctionCounter.builder("bourse_market_ticks_invalid", invalid.get(r), LongAdder::sum)
          .tag("reason", r.name()).description("Rejected messages").tag("instance", instance).register(registry));
    }
    meters.add(FunctionCounter.builder("bourse_market_ticks_late", this, m -> m.lateTicks.getAsLong())
        .description("Ticks (per candle interval) dropped because their bucket was already closed").tag("instance", instance).register(registry));
    meters.add(Gauge.builder("bourse_market_candle_sweep_held", this, m -> m.sweepHeld ? 1 : 0)
        .description("1 while the wall-clock candle sweep is held because the source is disconnected or behind")
        .tag("instance", instance).register(registry));
    meters.add(counter(registry, "bourse_market_candle_sweep_holds", "Times the candle sweep was held", sweepHolds));
    meters.add(FunctionCounter.builder("bourse_market_cache_requests", this, m -> m.cacheHits.getAsLong())
        .description("Latest-tick and recent-candle cache lookups").tags("result", "hit", "instance", instance).register(registry));
    meters.add(FunctionCounter.builder("bourse_market_cache_requests", this, m -> m.cacheMisses.getAsLong())
        .description("Latest-tick and recent-candle cache lookups").tags("result", "miss", "instance", instance).register(registry));
    meters.add(counter(registry, "bourse_market_dead_letters", "Rejected messages sent to the dead-letter destination", deadLettered));
    meters.add(counter(registry, "bourse_market_dead_letter_failures", "Failed dead-letter write attempts (retried)", deadLetterFailures));
    meters.add(Gauge.builder("bourse_market_dead_letters_pending", this, m -> m.deadLettersPending.getAsLong())
        .description("Dead letters not written yet; Kafka offsets are not committed past the oldest one")
        .tag("instance", instance).register(registry));
    meters.add(counter(registry, "bourse_market_candles_persisted", "Closed candles written to the store", candlesPersisted));
    meters.add(counter(registry, "bourse_market_candle_persist_failures", "Failed closed-candle batch writes (retried)", persistFailures));
    meters.add(counter(registry, "bourse_market_candles_dropped", "Closed candles given up on: more than the bound were waiting to be written", candlesDropped));
    meters.add(Gauge.builder("bourse_market_candles_unsaved", this, m -> m.candlesUnsaved.getAsLong())
        .description("Closed candles waiting to be written (queued, in flight or retrying)").tag("instance", instance).register(registry));
    meters.add(counter(registry, "bourse_market_checkpoint_failures", "Failed checkpoint rounds (open candles, dedup marks; retried)", checkpointFailures));
    latency = latencyTimer(registry, instance);
    meters.add(latency);
    this.registry = registry;
    // Label values seen before binding (none in practice: binding happens first in start()).
    resetsBySymbol.keySet().forEach(s -> meters.add(FunctionCounter.builder("bourse_market_sequence_resets", resetsBySymbol.get(s), LongAdder::sum)
        .tags(Tags.of("symbol", s, "instance", instance)).register(registry)));
    gapsBySymbol.keySet().forEach(s -> meters.add(FunctionCounter.builder("bourse_market_sequence_gaps", gapsBySymbol.get(s), LongAdder::sum)
        .tags(Tags.of("symbol", s, "instance", instance)).register(registry)));
  }

  private FunctionCounter counter(MeterRegistry registry, String name, String description, LongAdder adder) {
    return FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tag("instance", instance)
        .register(registry);
  }

  /** Removes every meter {@link #bindTo} and later label values registered. */
  public void unbind() {
    MeterRegistry r = registry;
    registry = null;
    if (r != null) meters.forEach(r::remove);
    meters.clear();
    lagGauges.clear();
  }

  public JsonObject snapshot() {
    JsonObject inv = new JsonObject();
    invalid.forEach((r, n) -> inv.put(r.name(), n.sum()));
    JsonObject resets = new JsonObject();
    resetsBySymbol.forEach((s, n) -> resets.put(s, n.sum()));
    JsonObject gaps = new JsonObject();
    gapsBySymbol.forEach((s, n) -> gaps.put(s, n.sum()));
    return new JsonObject().put("ingested", ingested.sum()).put("accepted", accepted.sum())
        .put("duplicates", duplicates.sum()).put("invalid", inv).put("deadLettered", deadLettered.sum())
        .put("deadLetterFailures", deadLetterFailures.sum()).put("deadLettersPending", deadLettersPending.getAsLong())
        .put("candlesPersisted", candlesPersisted.sum()).put("persistFailures", persistFailures.sum())
        .put("candlesDropped", candlesDropped.sum()).put("candlesUnsaved", candlesUnsaved.getAsLong())
        .put("checkpointFailures", checkpointFailures.sum())
        .put("sequenceResets", resets).put("sequenceGaps", gaps)
        .put("consumerLag", new JsonObject(Map.copyOf(lagByPartition)))
        .put("tickLatency", new JsonObject().put("count", latency.count())
            .put("meanMs", latency.mean(TimeUnit.MILLISECONDS)).put("maxMs", latency.max(TimeUnit.MILLISECONDS)));
  }
}

package io.bourse.market;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Market-data counters, written on the verticle's context and read from anywhere (metrics scrape, health). Counts
 * are monotonic so Prometheus derives ingested/s and invalid/s; the latency recorder is tick receive → bus publish.
 */
public final class MarketMetrics {
  public final LongAdder ingested = new LongAdder();
  public final LongAdder accepted = new LongAdder();
  public final LongAdder duplicates = new LongAdder();
  public final LongAdder deadLettered = new LongAdder();
  public final LongAdder candlesPersisted = new LongAdder();
  public final LongAdder persistFailures = new LongAdder();
  private final Map<Rejection.Reason, LongAdder> invalid = new EnumMap<>(Rejection.Reason.class);
  private final Map<String, Long> lagByPartition = new ConcurrentHashMap<>();
  /** 1 µs .. 60 s, 3 significant digits. */
  private final Recorder latencyNanos = new Recorder(60_000_000_000L, 3);
  private Histogram interval;
  /** 1 while the wall-clock candle sweep is held for a disconnected or lagging source ({@link SweepGate}). */
  private volatile boolean sweepHeld;
  public final LongAdder sweepHolds = new LongAdder();
  private volatile java.util.function.LongSupplier lateTicks = () -> 0;

  public MarketMetrics() {
    for (Rejection.Reason r : Rejection.Reason.values()) invalid.put(r, new LongAdder());
  }

  public void invalid(Rejection.Reason reason) { invalid.get(reason).increment(); }

  public long invalidTotal() { return invalid.values().stream().mapToLong(LongAdder::sum).sum(); }

  public long invalidCount(Rejection.Reason reason) { return invalid.get(reason).sum(); }

  public void recordLatency(long nanos) { latencyNanos.recordValue(Math.max(0, Math.min(nanos, 60_000_000_000L))); }

  public void lag(String partition, long lag) { lagByPartition.put(partition, lag); }

  public Map<String, Long> lagByPartition() { return Map.copyOf(lagByPartition); }

  /** Latency since the previous call (interval histogram), so p99 reflects recent behaviour. */
  public synchronized Histogram latencySinceLastCall() {
    interval = latencyNanos.getIntervalHistogram(interval);
    return interval;
  }

  public void sweepHeld(boolean held) { this.sweepHeld = held; }

  public boolean sweepHeld() { return sweepHeld; }

  public void lateTicks(java.util.function.LongSupplier source) { this.lateTicks = source; }

  /**
   * Registers the market meters in the process registry (scraped at /metrics), tagged with the verticle instance
   * (several market-data verticles may run, each with its own consumer and sweep); returns them so the verticle can
   * remove them when it stops.
   */
  public List<Meter> bindTo(MeterRegistry registry, String instance) {
    List<Meter> meters = new ArrayList<>();
    meters.add(FunctionCounter.builder("bourse_market_ticks_ingested", ingested, LongAdder::sum)
        .description("Messages offered to the market-data pipeline").tag("instance", instance).register(registry));
    meters.add(FunctionCounter.builder("bourse_market_ticks_accepted", accepted, LongAdder::sum)
        .description("Valid, first-seen ticks").tag("instance", instance).register(registry));
    meters.add(FunctionCounter.builder("bourse_market_ticks_duplicate", duplicates, LongAdder::sum)
        .description("Redelivered ticks dropped by (symbol, sequence)").tag("instance", instance).register(registry));
    for (Rejection.Reason r : Rejection.Reason.values()) {
      meters.add(FunctionCounter.builder("bourse_market_ticks_invalid", invalid.get(r), LongAdder::sum)
          .tag("reason", r.name()).description("Rejected messages").tag("instance", instance).register(registry));
    }
    meters.add(FunctionCounter.builder("bourse_market_ticks_late", this, m -> m.lateTicks.getAsLong())
        .description("Ticks (per candle interval) dropped because their bucket was already closed").tag("instance", instance).register(registry));
    meters.add(Gauge.builder("bourse_market_candle_sweep_held", this, m -> m.sweepHeld ? 1 : 0)
        .description("1 while the wall-clock candle sweep is held because the source is disconnected or behind")
        .tag("instance", instance).register(registry));
    meters.add(FunctionCounter.builder("bourse_market_candle_sweep_holds", sweepHolds, LongAdder::sum)
        .description("Times the candle sweep was held").tag("instance", instance).register(registry));
    return meters;
  }

  public JsonObject snapshot() {
    JsonObject inv = new JsonObject();
    invalid.forEach((r, n) -> inv.put(r.name(), n.sum()));
    return new JsonObject().put("ingested", ingested.sum()).put("accepted", accepted.sum())
        .put("duplicates", duplicates.sum()).put("invalid", inv).put("deadLettered", deadLettered.sum())
        .put("candlesPersisted", candlesPersisted.sum()).put("persistFailures", persistFailures.sum())
        .put("consumerLag", new JsonObject(Map.copyOf(lagByPartition)));
  }
}

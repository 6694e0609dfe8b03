package io.bourse.market;

import io.bourse.common.Addresses;
import io.bourse.market.source.CsvReplaySource;
import io.bourse.market.source.KafkaTickSource;
import io.bourse.market.source.SimulatedTickSource;
import io.bourse.market.source.TickSource;
import io.bourse.store.BatchOperation;
import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Market-data ingestion: source → validate → dedup → candles → cache → publish. Publishes every accepted tick as the
 * record itself on {@code md.internal.tick.<SYMBOL>} (local codec, for the trading loop, no copy), and JSON on
 * {@code md.tick.<SYMBOL>} for the bridge — conflated to the latest tick per symbol every {@code bridgeConflateMs}
 * (0: every tick). Closed candles are persisted in batches and published as JSON on
 * {@code md.candle.<interval>.<SYMBOL>}. Staleness transitions go to {@code md.internal.staleness} and
 * {@code admin.alerts}; {@code md.internal.status} answers with the current status for /health/detailed.
 *
 * <p>All state is owned by this verticle's event loop; nothing here blocks it.
 */
public final class MarketDataVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MarketDataVerticle.class);
  public static final String INSTRUMENTS_CONTAINER = "instruments";
  /** The catalogue is small; one partition lets the REST list page through it in symbol order. */
  public static final String INSTRUMENTS_PARTITION = "instruments";
  /** Latest-tick write-behind period: readers see a tick at most this much later than the bus does. */
  private static final long REDIS_FLUSH_MS = 50;
  /** Numbers the verticle instances of this process for the {@code instance} tag of the market meters. */
  private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

  private final MarketConfig config;
  private final DocumentStore store;
  private final Map<String, String> kafkaOverrides;
  private final MarketMetrics metrics = new MarketMetrics();
  private final Redis redis;
  private MarketCache cache;
  private InstrumentCatalogue catalogue;
  private CandleAggregator aggregator;
  private Deduplicator dedup;
  private DedupMarks dedupMarks;
  private CandleWriter writer;
  private StalenessMonitor staleness;
  private DeadLetters deadLetters;
  private TickSource source;
  private java.util.function.Supplier<TickSource> kafkaSource;
  private EventBus bus;
  private MessageConsumer<JsonObject> statusConsumer;
  private MarketQueries queries;
  private final DeliveryOptions localTick = new DeliveryOptions().setCodecName(TickCodec.NAME).setLocalOnly(true);
  private final List<Long> timers = new ArrayList<>();
  private final Map<String, Tick> bridgePending = new java.util.HashMap<>();
  private SweepGate sweepGate;
  private io.micrometer.core.instrument.MeterRegistry meterRegistry;
  private List<io.micrometer.core.instrument.Meter> meters = List.of();

  /**
   * @param store          where instruments are seeded, closed candles persisted and (without Kafka) dead letters
   *                       kept; null runs without persistence (dead letters are then only logged and counted)
   * @param redis          the shared Redis client for the cache; null for the in-process Caffeine cache. The cache is
   *                       created in {@link #start()} so its write-behind timer runs on this verticle's context
   * @param kafkaOverrides extra Kafka client properties (tests, security settings); may be null
   */
  public MarketDataVerticle(MarketConfig config, DocumentStore store, Redis redis, Map<String, String> kafkaOverrides) {
    this.config = config;
    this.store = store;
    this.redis = redis;
    this.kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
  }

  public MarketDataVerticle(MarketConfig config, DocumentStore store) {
    this(config, store, null, null);
  }

  /** The process registry to publish the market meters in (/metrics); without one they are only in the status. */
  public MarketDataVerticle meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
    this.meterRegistry = registry;
    return this;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    if (meterRegistry != null) meters = metrics.bindTo(meterRegistry, Integer.toString(INSTANCES.getAndIncrement()));
    try {
      bus.registerCodec(new TickCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another instance of this verticle registered it first; one codec per Vert.x instance is what we need.
    }
    cache = redis == null
        ? new CaffeineMarketCache(Duration.ofMillis(config.cacheTtlMs()), config.recentCandles())
        : new RedisMarketCache(vertx, redis, config.cacheTtlMs(), config.recentCandles(), REDIS_FLUSH_MS);
    return loadSeed().compose(seed -> {
      catalogue = seed.catalogue();
      return prepareStore(seed).map(seed);
    }).compose(seed -> {
      wire(seed);
      return seedDeduplicator();
    }).compose(v -> source.start()).onSuccess(v -> log.info("Market data started: source={}, {} instruments", source.name(), catalogue.size()));
  }

  private Future<InstrumentJson.Seed> loadSeed() {
    String file = config.instrumentsFile();
    return vertx.fileSystem().exists(file).compose(exists -> exists
        ? vertx.fileSystem().readFile(file)
        : vertx.executeBlocking(() -> {
          // Fallback for a bare `java -jar` without conf/: the copy bundled in the jar.
          try (InputStream in = MarketDataVerticle.class.getClassLoader().getResourceAsStream("instruments.json")) {
            if (in == null) throw new IOException("no " + file + " and no bundled instruments.json");
            log.info("{} not found; using the bundled instrument catalogue", file);
            return Buffer.buffer(in.readAllBytes());
          }
        })).map(buf -> InstrumentJson.parseSeed(new JsonObject(buf)));
  }

  private Future<Void> prepareStore(InstrumentJson.Seed seed) {
    if (store == null) return Future.succeededFuture();
    List<Future<?>> ensured = List.of(
        store.ensureContainer(ContainerSpec.of(INSTRUMENTS_CONTAINER, "symbol", "assetClass")),
        store.ensureContainer(CandleWriter.spec()),
        store.ensureContainer(StoreDeadLetters.spec()),
        store.ensureContainer(DedupMarks.spec()));
    return Future.all(ensured).compose(v -> {
      List<Future<?>> writes = new ArrayList<>();
      List<BatchOperation> ops = new ArrayList<>();
      for (Instrument i : seed.instruments()) {
        ops.add(BatchOperation.upsert(Document.of(INSTRUMENTS_PARTITION, i.symbol(), InstrumentJson.toJson(i))));
        if (ops.size() == DocumentStore.MAX_BATCH_OPERATIONS) {
          writes.add(store.batch(INSTRUMENTS_CONTAINER, INSTRUMENTS_PARTITION, List.copyOf(ops)));
          ops.clear();
        }
      }
      if (!ops.isEmpty()) writes.add(store.batch(INSTRUMENTS_CONTAINER, INSTRUMENTS_PARTITION, ops));
      return Future.all(writes).mapEmpty();
    });
  }

  private void wire(InstrumentJson.Seed seed) {
    writer = store == null ? null : new CandleWriter(store, config.persistBatchSize(), metrics);
    aggregator = new CandleAggregator(EnumSet.allOf(Interval.class), this::onCandleClosed);
    boolean replay = config.source() == MarketConfig.Source.CSV;
    TickValidator validator = new TickValidator(catalogue, config.maxClockSkewMs(), replay ? 0 : config.maxTickAgeMs(),
        Instant::now);
    dedup = new Deduplicator(config.dedupWindow());
    // Kafka redelivers after a restart; the simulated feed and CSV replay restart their sequences on purpose.
    dedupMarks = store != null && config.source() == MarketConfig.Source.KAFKA ? new DedupMarks(store, dedup, config.kafka().topic()) : null;
    MarketPipeline pipeline = new MarketPipeline(validator, dedup, aggregator, this::onTick, metrics)
        .onBatchEnd(this::onBatchEnd);
    staleness = new StalenessMonitor(catalogue, config.staleAfterMs(), System.currentTimeMillis());

    switch (config.source()) {
      case KAFKA -> {
        deadLetters = new KafkaDeadLetters(vertx, config.kafka().bootstrap(), config.kafka().deadLetterTopic(), metrics);
        kafkaSource = () -> new KafkaTickSource(vertx, config.kafka(), pipeline, deadLetters, metrics,
            () -> writer != null && writer.behind(), kafkaOverrides);
        source = kafkaSource.get();
      }
      case CSV -> {
        deadLetters = storeOrLogDeadLetters();
        CsvReplaySource csv = new CsvReplaySource(vertx, config.csv(), pipeline, deadLetters);
        // Historical buckets cannot be closed by the wall clock; close whatever is open once the file is done.
        csv.done().onSuccess(n -> {
          aggregator.closeDue(Instant.ofEpochMilli(Long.MAX_VALUE));
          if (writer != null) writer.flush();
        });
        source = csv;
      }
      default -> {
        deadLetters = storeOrLogDeadLetters();
        source = new SimulatedTickSource(vertx, pipeline, catalogue, seed.simulation(), config.simulated());
      }
    }

    metrics.lateTicks(aggregator::lateTicks);
    // Close the ended buckets of quiet symbols once no in-skew tick can still belong to them — unless the source is
    // disconnected or behind, when the quiet may be an outage whose ticks are still coming (SweepGate).
    long quietNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.max(1_000, config.maxClockSkewMs()));
    sweepGate = new SweepGate(quietNanos);
    if (!replay) timers.add(vertx.setPeriodic(1_000, id -> sweepQuiet(quietNanos)));
    if (writer != null) timers.add(vertx.setPeriodic(config.persistFlushMs(), id -> {
      writer.flush();
      if (dedupMarks != null) dedupMarks.save();
    }));
    timers.add(vertx.setPeriodic(Math.max(50, Math.min(1_000, config.staleAfterMs() / 2)), id -> checkStaleness()));
    if (config.bridgeConflateMs() > 0) timers.add(vertx.setPeriodic(config.bridgeConflateMs(), id -> publishConflated()));
    statusConsumer = bus.consumer(Addresses.MD_STATUS, msg -> msg.reply(status()));
    queries = new MarketQueries(catalogue, cache, aggregator, store);
    queries.register(bus);
  }

  /**
   * With Kafka, what the previous process already published is dropped instead of published twice when Kafka
   * redelivers it (uncommitted at the crash): the deduplicator starts from the marks saved in the store
   * ({@link DedupMarks}) and, with a shared (Redis) cache, from the previous process's latest tick per symbol —
   * whichever is higher. Not for the simulated feed or CSV replay: their sequences restart on purpose.
   */
  private Future<Void> seedDeduplicator() {
    if (config.source() != MarketConfig.Source.KAFKA) return Future.succeededFuture();
    List<Future<?>> reads = new ArrayList<>();
    List<String> symbols = new ArrayList<>();
    for (Instrument i : catalogue.all()) symbols.add(i.symbol());
    if (dedupMarks != null) reads.add(dedupMarks.load(symbols));
    if (cache instanceof RedisMarketCache) {
      for (String symbol : symbols) {
        reads.add(cache.latestTick(symbol).onSuccess(t -> {
          if (t != null) dedup.seed(t.symbol(), t.sequence());
        }));
      }
    }
    return Future.all(reads).<Void>mapEmpty()
        .recover(e -> {
          log.warn("Could not read the deduplication marks ({}); redelivered ticks may repeat", e.toString());
          return Future.succeededFuture();
        });
  }

  private DeadLetters storeOrLogDeadLetters() {
    if (store != null) return new StoreDeadLetters(store, metrics);
    return (origin, payload, rejection) -> {
      metrics.deadLettered.increment();
      log.warn("Rejected {} ({}) and no store to keep it in", origin, rejection);
      return Future.succeededFuture();
    };
  }

  /** Per-symbol output state: addresses built once, the latest tick of the current batch. */
  private static final class SymbolOut {
    final String symbol;
    final String internalAddress;
    final String bridgeAddress;
    Tick latest;
    boolean dirty;

    SymbolOut(String symbol) {
      this.symbol = symbol;
      this.internalAddress = Addresses.mdInternalTick(symbol);
      this.bridgeAddress = Addresses.mdTick(symbol);
    }
  }

  private final Map<String, SymbolOut> outs = new java.util.HashMap<>();
  private final List<SymbolOut> dirty = new ArrayList<>();

  /**
   * Every accepted tick goes to the trading loop's record address at once; the latest-tick cache, the staleness
   * monitor and the bridge's conflation only need the last tick per symbol, so they are updated once per symbol at the
   * end of the source's batch ({@link #onBatchEnd}).
   */
  private void onTick(Tick t) {
    SymbolOut o = outs.get(t.symbol());
    if (o == null) outs.put(t.symbol(), o = new SymbolOut(t.symbol()));
    bus.publish(o.internalAddress, t, localTick);
    if (config.bridgeConflateMs() == 0) bus.publish(o.bridgeAddress, MarketJson.tick(t));
    metrics.recordLatency(System.nanoTime() - t.receivedNanos());
    o.latest = t;
    if (!o.dirty) {
      o.dirty = true;
      dirty.add(o);
    }
  }

  private void onBatchEnd() {
    if (dirty.isEmpty()) return;
    long nowMs = System.currentTimeMillis();
    for (int i = 0; i < dirty.size(); i++) {
      SymbolOut o = dirty.get(i);
      o.dirty = false;
      cache.putTick(o.latest);
      if (config.bridgeConflateMs() > 0) bridgePending.put(o.symbol, o.latest);
      StalenessMonitor.Transition fresh = staleness.touch(o.symbol, nowMs);
      if (fresh != null) publishTransition(fresh);
    }
    dirty.clear();
  }

  /** The bridge gets the latest tick per symbol per period; the trading loop (record address) gets every tick. */
  private void publishConflated() {
    if (bridgePending.isEmpty()) return;
    for (Tick t : bridgePending.values()) bus.publish(outs.get(t.symbol()).bridgeAddress, MarketJson.tick(t));
    bridgePending.clear();
  }

  private void onCandleClosed(Candle c) {
    if (writer != null) writer.add(c);
    cache.putClosedCandle(c);
    bus.publish(Addresses.mdCandle(c.interval().code(), c.symbol()), MarketJson.candle(c));
  }

  private void sweepQuiet(long quietNanos) {
    long nowNanos = System.nanoTime();
    boolean wasHeld = sweepGate.held();
    io.bourse.market.source.SourceHealth health = source.health(nowNanos);
    boolean run = sweepGate.mayRun(health, nowNanos, System.currentTimeMillis());
    if (sweepGate.held() != wasHeld) {
      metrics.sweepHeld(sweepGate.held());
      if (sweepGate.held()) {
        metrics.sweepHolds.increment();
        if (health.lastDeliveryNanos() == Long.MIN_VALUE) {
          log.info("Candle sweep waits until the source is connected and caught up ({})", sweepGate.reason());
        } else {
          log.warn("Candle sweep held: {}; candles close only as ticks arrive until the source is caught up", sweepGate.reason());
        }
      } else {
        log.info("Candle sweep resumed: source connected and caught up");
      }
    }
    if (run) aggregator.closeQuietDue(Instant.now().minusMillis(config.maxClockSkewMs()), nowNanos, quietNanos);
  }

  private void checkStaleness() {
    for (StalenessMonitor.Transition t : staleness.check(System.currentTimeMillis())) publishTransition(t);
  }

  private void publishTransition(StalenessMonitor.Transition t) {
    JsonObject event = new JsonObject().put("type", t.stale() ? "market.stale" : "market.fresh")
        .put("symbol", t.symbol()).put("stale", t.stale()).put("silentMs", t.silentMs())
        .put("lastTick", t.lastTick() == null ? null : t.lastTick().toString());
    if (t.stale()) log.warn("{} is stale: no tick for {} ms", t.symbol(), t.silentMs());
    else log.info("{} is fresh again", t.symbol());
    bus.publish(Addresses.MD_STALENESS, event);
    bus.publish(Addresses.ADMIN_ALERTS, event);
  }

  /** Status for /health/detailed: stale symbols, source state, counters, cache hit rate. */
  public JsonObject status() {
    JsonObject stale = new JsonObject();
    staleness.snapshot().forEach(stale::put);
    return new JsonObject()
        .put("source", source.status())
        .put("stale", stale)
        .put("anyStale", staleness.snapshot().containsValue(true))
        .put("metrics", metrics.snapshot())
        .put("cache", new JsonObject().put("hits", cache.hits()).put("misses", cache.misses()).put("hitRate", cache.hitRate()))
        .put("lateTicks", aggregator.lateTicks())
        .put("candleSweep", new JsonObject().put("held", sweepGate.held())
            .put("reason", sweepGate.held() ? sweepGate.reason() : null)
            .put("heldSince", sweepGate.held() ? Instant.ofEpochMilli(sweepGate.heldSinceMillis()).toString() : null)
            .put("holds", sweepGate.holds()));
  }

  /**
   * Consumer crash/restart, as a test and operations hook: {@link #stopSource()} closes the consumer (after its pending
   * commits), {@link #startNewKafkaConsumer()} joins the group again with the same pipeline state, as when a rebalance
   * hands the partitions back. Redelivered records are then dropped by dedup. Both hop onto this verticle's context.
   */
  Future<Void> stopSource() {
    return onContext(() -> source.stop());
  }

  Future<Void> startNewKafkaConsumer() {
    if (kafkaSource == null) return Future.failedFuture(new IllegalStateException("source is not kafka"));
    return onContext(() -> {
      source = kafkaSource.get();
      return source.start();
    });
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  public MarketMetrics metrics() { return metrics; }

  public MarketCache cache() { return cache; }

  public TickSource source() { return source; }

  public boolean isStale(String symbol) { return staleness.isStale(symbol); }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    if (meterRegistry != null) meters.forEach(meterRegistry::remove);
    Future<Void> stopped = source == null ? Future.succeededFuture() : source.stop();
    return stopped
        .compose(v -> statusConsumer == null ? Future.succeededFuture() : statusConsumer.unregister())
        .compose(v -> queries == null ? Future.succeededFuture() : queries.unregister())
        .compose(v -> writer == null ? Future.succeededFuture() : writer.flush())
        .compose(v -> dedupMarks == null ? Future.succeededFuture() : dedupMarks.saveFinal().recover(e -> Future.succeededFuture()))
        .compose(v -> deadLetters == null ? Future.succeededFuture() : deadLetters.close())
        .compose(v -> cache instanceof RedisMarketCache r ? r.close() : Future.succeededFuture());
  }
}

package io.bourse.market;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-symbol ingestion checkpoints in the store: the symbol's open candles and (with Kafka) its deduplication state,
 * in <em>one</em> document, so both are always from the same instant. Container {@code market_dedup} (its name is
 * historical: it began with the marks alone), partition {@code <scope>|<symbol>} where scope is what the sequences
 * are relative to (the Kafka topic; {@code simulated} for the built-in feed, which checkpoints open candles only),
 * id {@code hwm}.
 *
 * <p>A round ({@link #round}, on the persist timer, and at stop) captures every symbol whose candles changed since its
 * last saved round, waits until every candle closed before the capture is in the store (so a checkpoint never stops
 * covering a candle as open before it is durable as closed), then upserts the documents. The Kafka source commits
 * offsets only after a round that started after it processed them ({@link #awaitDurable}), so with Kafka:
 * <ul>
 *   <li>a tick the checkpoint counted in a candle is a duplicate for the restored deduplicator, never counted again;</li>
 *   <li>a tick after the checkpoint was not committed either, so Kafka delivers it again and it is counted once;</li>
 * </ul>
 * i.e. each tick is in the restored candles exactly once across a crash (short of the cases the deduplicator itself
 * cannot tell: a sequence gap older than the window, {@link Deduplicator#MAX_MISSING}). Without Kafka nothing
 * redelivers: the open candles are those of the last round, so a crash loses at most the ticks of the last
 * {@code persistFlushMs}; a clean stop loses nothing. Owned by the market-data verticle's context.
 */
final class Checkpoints {
  static final String CONTAINER = "market_dedup";
  static final String ID = "hwm";
  /** The sequences of the built-in simulated feed restart with each process: only its open candles are kept. */
  static final String SIMULATED_SCOPE = "simulated";
  private static final long FINAL_ROUND_TIMEOUT_MS = 5_000;
  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

  private final DocumentStore store;
  private final Deduplicator dedup;
  private final CandleAggregator aggregator;
  private final CandleWriter writer;
  private final String scope;
  private final MarketMetrics metrics;
  private final Map<String, Long> savedVersion = new HashMap<>();
  /** Waiting for the next round that starts after they asked. */
  private List<Promise<Void>> waiters = new ArrayList<>();
  private boolean running;
  private boolean again;
  private long rounds;
  private long lastDurableMillis;
  private String lastError;

  /** @param dedup null when the source's sequences restart with each process (only open candles are kept) */
  Checkpoints(DocumentStore store, Deduplicator dedup, CandleAggregator aggregator, CandleWriter writer, String scope,
              MarketMetrics metrics) {
    this.store = store;
    this.dedup = dedup;
    this.aggregator = aggregator;
    this.writer = writer;
    this.scope = scope;
    this.metrics = metrics;
  }

  static String partitionKey(String scope, String symbol) { return scope + "|" + symbol; }

  static ContainerSpec spec() { return ContainerSpec.of(CONTAINER); }

  /**
   * Reads every symbol's checkpoint: seeds the deduplicator with its mark and hands its open candles to the aggregator
   * (which continues them, see {@link CandleAggregator#restore}). A mark written before marks had times (only
   * {@code sequence}) gets {@code legacyTimeMs}: what was accepted before this start is older than that.
   *
   * @return the symbols that had a dedup mark
   */
  Future<Set<String>> load(Iterable<String> symbols, long legacyTimeMs) {
    Set<String> marked = new HashSet<>();
    List<Candle> open = new ArrayList<>();
    List<Future<?>> reads = new ArrayList<>();
    for (String symbol : symbols) {
      reads.add(store.read(CONTAINER, partitionKey(scope, symbol), ID).onSuccess(doc -> {
        if (doc == null) return;
        JsonObject b = doc.body();
        if (dedup != null && b.getLong("sequence", -1L) >= 0) {
          dedup.seed(symbol, markFromJson(b, legacyTimeMs));
          marked.add(symbol);
        }
        JsonArray candles = b.getJsonArray("openCandles");
        if (candles != null) for (int i = 0; i < candles.size(); i++) open.add(MarketJson.candleFromJson(candles.getJsonObject(i)));
      }));
    }
    return Future.all(reads).map(v -> {
      aggregator.restore(open);
      if (!open.isEmpty()) log.info("Restored {} open candles from checkpoints ({})", open.size(), scope);
      return marked;
    });
  }

  static Deduplicator.Mark markFromJson(JsonObject b, long legacyTimeMs) {
    JsonArray m = b.getJsonArray("missing", new JsonArray());
    long[] missing = new long[m.size()];
    for (int i = 0; i < missing.length; i++) missing[i] = m.getLong(i);
    return new Deduplicator.Mark(b.getLong("sequence"), b.getLong("time", legacyTimeMs),
        b.getLong("floor", Long.MIN_VALUE), b.getLong("resets", 0L), missing);
  }

  /**
   * Completes once everything processed before this call is covered by a durable checkpoint: after the next round
   * that starts after the call (the next timer round, or at once if {@code urgent}). Fails only when such a round
   * cannot finish at stop.
   */
  Future<Void> awaitDurable(boolean urgent) {
    Promise<Void> p = Promise.promise();
    waiters.add(p);
    if (urgent) round();
    return p.future();
  }

  /** One round (see the class comment); a call while one runs makes another follow it at once. */
  Future<Void> round() {
    if (running) {
      again = true;
      return Future.succeededFuture();
    }
    running = true;
    List<Promise<Void>> covered = waiters;
    waiters = new ArrayList<>();
    Map<String, Long> versions = new HashMap<>();
    List<Document> docs = new ArrayList<>();
    for (String symbol : aggregator.symbols()) {
      long version = aggregator.version(symbol);
      Long saved = savedVersion.get(symbol);
      if (saved != null && saved == version) continue;
      versions.put(symbol, version);
      docs.add(Document.of(partitionKey(scope, symbol), ID, body(symbol)));
    }
    long closedSoFar = writer.lastAdded();
    writer.flush();
    Future<Void> done = writer.durableThrough(closedSoFar).compose(v -> {
      List<Future<?>> writes = new ArrayList<>(docs.size());
      for (Document d : docs) writes.add(store.upsert(CONTAINER, d));
      return Future.all(writes).<Void>mapEmpty();
    });
    return done.onComplete(ar -> {
      running = false;
      if (ar.succeeded()) {
        savedVersion.putAll(versions);
        rounds++;
        lastDurableMillis = System.currentTimeMillis();
        covered.forEach(Promise::tryComplete);
      } else {
        metrics.checkpointFailures.increment();
        lastError = String.valueOf(ar.cause().getMessage());
        log.warn("Checkpoint of {} symbols failed (retried on the next round): {}", docs.size(), lastError);
        // Still not durable: they wait for the next round.
        covered.addAll(waiters);
        waiters = covered;
      }
      if (again) {
        again = false;
        if (!waiters.isEmpty()) round();
      }
    });
  }

  /** At stop: a last round (after any running one), bounded in time; its waiters fail if it cannot finish. */
  Future<Void> finalRound() {
    Promise<Void> p = Promise.promise();
    waiters.add(p);
    round();
    return p.future().timeout(FINAL_ROUND_TIMEOUT_MS, TimeUnit.MILLISECONDS).onFailure(e -> {
      log.warn("Final checkpoint not written ({}); the next start continues from the previous one", e.toString());
      waiters.forEach(w -> w.tryFail(e));
      waiters.clear();
    });
  }

  private JsonObject body(String symbol) {
    JsonObject b = new JsonObject().put("scope", scope).put("symbol", symbol).put("savedAt", Instant.now().toString());
    if (dedup != null) {
      Deduplicator.Mark m = dedup.mark(symbol);
      if (m != null) {
        b.put("sequence", m.sequence()).put("time", m.timeMs()).put("resets", m.resets());
        if (m.hasFloor()) b.put("floor", m.floorMs());
        if (m.missing().length > 0) {
          JsonArray missing = new JsonArray();
          for (long q : m.missing()) missing.add(q);
          b.put("missing", missing);
        }
      }
    }
    JsonArray open = new JsonArray();
    for (Candle c : aggregator.openCandles(symbol)) open.add(MarketJson.candle(c));
    return b.put("openCandles", open);
  }

  /** For /health/detailed. */
  JsonObject status() {
    return new JsonObject().put("scope", scope).put("rounds", rounds)
        .put("lastDurableAt", lastDurableMillis == 0 ? null : Instant.ofEpochMilli(lastDurableMillis).toString())
        .put("failures", metrics.checkpointFailures.sum()).put("lastError", lastError)
        .put("pendingRestores", aggregator.pendingRestores());
  }
}

package io.bourse.market;

import io.bourse.store.BatchOperation;
import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists closed candles in batches: one atomic store batch per (symbol, interval) partition. Ids are the bucket's
 * open time, so a retry or a replay after a crash upserts the same documents instead of duplicating them.
 *
 * <p>A batch the store refuses is not dropped: its candles go back to the front of the queue and the writer retries
 * with a backoff ({@value #RETRY_INITIAL_MS} ms doubling to {@value #RETRY_MAX_MS} ms; one attempt per backoff step, so
 * a store outage is not hammered), and every candle added meanwhile waits behind them. Memory is bounded by
 * {@code maxUnsaved}: past it the <em>oldest queued</em> candles are given up on (counted in
 * {@code bourse_market_candles_dropped_total} and logged; they stay in the cache until it expires). Long before that
 * {@link #behind()} tells a Kafka source to pause, so with Kafka the bound is reached only by candles the wall-clock
 * sweep closes while the source is paused.
 *
 * <p>Every candle gets a sequence number when added; {@link #durableThrough} completes once every candle up to a
 * number is written (or given up on), which is what a checkpoint waits for before it records a state that no longer
 * holds those candles as open. Owned by one context.
 */
public final class CandleWriter {
  public static final String CONTAINER = "candles";
  private static final Logger log = LoggerFactory.getLogger(CandleWriter.class);
  /** Above this many unsaved candles the writer reports "behind" so sources pause. */
  static final int BEHIND_THRESHOLD = 20_000;
  static final long RETRY_INITIAL_MS = 200;
  static final long RETRY_MAX_MS = 30_000;

  private record Entry(long seq, Candle candle) {}

  private final Vertx vertx;
  private final DocumentStore store;
  private final int batchSize;
  private final int maxUnsaved;
  private final MarketMetrics metrics;
  /** Waiting to be written, oldest first (retried ones at the front). */
  private final Deque<Entry> queue = new ArrayDeque<>();
  /** Sequence numbers not written yet: queued or in flight. */
  private final TreeSet<Long> unsaved = new TreeSet<>();
  private final TreeMap<Long, List<Promise<Void>>> waiters = new TreeMap<>();
  private long nextSeq = 1;
  private int inFlight;
  private Future<Void> writing = Future.succeededFuture();
  private long backoffMs;
  private long retryTimer = -1;
  private long retryAtMillis;
  private String lastError;
  private boolean stopped;

  public CandleWriter(Vertx vertx, DocumentStore store, int batchSize, int maxUnsaved, MarketMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.batchSize = batchSize;
    this.maxUnsaved = maxUnsaved;
    this.metrics = metrics;
    metrics.candlesUnsaved(this::unsavedCount);
  }

  public static ContainerSpec spec() { return ContainerSpec.of(CONTAINER, "openTimeMs"); }

  public static String partitionKey(String symbol, Interval interval) { return symbol + "|" + interval.code(); }

  public void add(Candle c) {
    long seq = nextSeq++;
    queue.addLast(new Entry(seq, c));
    unsaved.add(seq);
    if (unsaved.size() > maxUnsaved) dropOldest();
    if (queue.size() >= batchSize && !retrying()) flush();
  }

  public boolean behind() { return unsaved.size() > BEHIND_THRESHOLD; }

  /** The number of the newest candle added so far (0 before the first). */
  public long lastAdded() { return nextSeq - 1; }

  /**
   * Completes once every candle numbered up to {@code seq} is written or given up on (past the bound); fails only for
   * candles still unwritten when the writer is closed.
   */
  public Future<Void> durableThrough(long seq) {
    if (unsaved.isEmpty() || unsaved.first() > seq) return Future.succeededFuture();
    // After close() made its last attempt nothing will write them; during that attempt, wait for it like anyone else.
    if (stopped && writing.isComplete()) {
      return Future.failedFuture(new IllegalStateException(unsaved.size() + " closed candles not written"));
    }
    Promise<Void> p = Promise.promise();
    waiters.computeIfAbsent(seq, k -> new ArrayList<>()).add(p);
    return p.future();
  }

  /**
   * Writes what is queued, unless a retry is scheduled (then that retry writes it). One round at a time; completes
   * when the round is done, failed chunks included (they are queued again), so callers never see a failure.
   */
  public Future<Void> flush() {
    if (!writing.isComplete()) return writing;
    if (queue.isEmpty() || retrying()) return Future.succeededFuture();
    List<Entry> pending = new ArrayList<>(queue);
    queue.clear();
    Map<String, List<Entry>> byPartition = new LinkedHashMap<>();
    for (Entry e : pending) byPartition.computeIfAbsent(partitionKey(e.candle.symbol(), e.candle.interval()), k -> new ArrayList<>()).add(e);
    List<Future<?>> writes = new ArrayList<>();
    List<Entry> failed = new ArrayList<>();
    inFlight += pending.size();
    byPartition.forEach((pk, entries) -> {
      for (int i = 0; i < entries.size(); i += DocumentStore.MAX_BATCH_OPERATIONS) {
        List<Entry> chunk = entries.subList(i, Math.min(entries.size(), i + DocumentStore.MAX_BATCH_OPERATIONS));
        List<BatchOperation> ops = new ArrayList<>(chunk.size());
        for (Entry e : chunk) ops.add(BatchOperation.upsert(Document.of(pk, Long.toString(e.candle.openTime().toEpochMilli()),
            MarketJson.candle(e.candle))));
        List<Entry> mine = List.copyOf(chunk);
        writes.add(store.batch(CONTAINER, pk, ops)
            .onSuccess(r -> {
              metrics.candlesPersisted.add(mine.size());
              for (Entry e : mine) unsaved.remove(e.seq);
            })
            .onFailure(e -> {
              metrics.persistFailures.increment();
              lastError = String.valueOf(e.getMessage());
              failed.addAll(mine);
            }));
      }
    });
    writing = Future.join(writes).<Void>mapEmpty().otherwiseEmpty().onComplete(ar -> {
      inFlight -= pending.size();
      if (failed.isEmpty()) {
        backoffMs = 0;
      } else {
        // Back to the front, in their original order, ahead of anything added meanwhile.
        failed.sort((a, b) -> Long.compare(b.seq, a.seq));
        for (Entry e : failed) if (unsaved.contains(e.seq)) queue.addFirst(e);
        scheduleRetry();
      }
      completeWaiters();
    });
    return writing;
  }

  private boolean retrying() { return retryTimer >= 0; }

  private void scheduleRetry() {
    if (stopped || retrying()) return;
    backoffMs = backoffMs == 0 ? RETRY_INITIAL_MS : Math.min(RETRY_MAX_MS, backoffMs * 2);
    retryAtMillis = System.currentTimeMillis() + backoffMs;
    log.warn("Could not persist {} closed candles ({}); retrying in {} ms", queue.size(), lastError, backoffMs);
    retryTimer = vertx.setTimer(backoffMs, id -> {
      retryTimer = -1;
      flush();
    });
  }

  /** Past the bound: the oldest queued candles go (in-flight ones are being written and stay). */
  private void dropOldest() {
    int dropped = 0;
    for (Iterator<Entry> it = queue.iterator(); it.hasNext() && unsaved.size() > maxUnsaved; ) {
      Entry e = it.next();
      it.remove();
      unsaved.remove(e.seq);
      dropped++;
    }
    if (dropped > 0) {
      metrics.candlesDropped.add(dropped);
      log.error("{} closed candles could not be written and were dropped: more than {} were waiting (last store error: {})",
          dropped, maxUnsaved, lastError);
      completeWaiters();
    }
  }

  private void completeWaiters() {
    long firstUnsaved = unsaved.isEmpty() ? Long.MAX_VALUE : unsaved.first();
    while (!waiters.isEmpty() && waiters.firstKey() < firstUnsaved) {
      waiters.pollFirstEntry().getValue().forEach(Promise::tryComplete);
    }
  }

  /**
   * On stop: one last attempt at everything queued (retry or not), then no more retries. Candles still unsaved after
   * it are counted as dropped, and whoever waits in {@link #durableThrough} for them is failed, so no checkpoint (and
   * no Kafka commit) is recorded past them: with Kafka the next start rebuilds them from the redelivered ticks.
   */
  public Future<Void> close() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    return writing.transform(ar -> flush()).transform(ar -> {
      if (!unsaved.isEmpty()) {
        metrics.candlesDropped.add(unsaved.size());
        log.error("{} closed candles could not be written before stopping (last store error: {})", unsaved.size(), lastError);
        IllegalStateException notWritten = new IllegalStateException(unsaved.size() + " closed candles not written");
        waiters.values().forEach(ps -> ps.forEach(p -> p.tryFail(notWritten)));
        waiters.clear();
      }
      return Future.<Void>succeededFuture();
    });
  }

  public int unsavedCount() { return unsaved.size(); }

  /** For /health/detailed. */
  public io.vertx.core.json.JsonObject status() {
    return new io.vertx.core.json.JsonObject().put("unsaved", unsaved.size()).put("inFlight", inFlight)
        .put("retrying", retrying())
        .put("nextRetryAt", retrying() ? java.time.Instant.ofEpochMilli(retryAtMillis).toString() : null)
        .put("lastError", lastError);
  }
}

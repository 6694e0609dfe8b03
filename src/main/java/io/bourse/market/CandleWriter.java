package io.bourse.market;

import io.bourse.store.BatchOperation;
import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists closed candles in batches: one atomic store batch per (symbol, interval) partition. Ids are the bucket's
 * open time, so a replay after a crash upserts the same documents instead of duplicating them. Owned by one context.
 */
public final class CandleWriter {
  public static final String CONTAINER = "candles";
  private static final Logger log = LoggerFactory.getLogger(CandleWriter.class);
  /** Above this many unsaved candles the writer reports "behind" so sources pause. */
  static final int BEHIND_THRESHOLD = 20_000;

  private final DocumentStore store;
  private final int batchSize;
  private final MarketMetrics metrics;
  private List<Candle> buffer = new ArrayList<>();
  private int inFlight;

  public CandleWriter(DocumentStore store, int batchSize, MarketMetrics metrics) {
    this.store = store;
    this.batchSize = batchSize;
    this.metrics = metrics;
  }

  public static ContainerSpec spec() { return ContainerSpec.of(CONTAINER, "openTimeMs"); }

  public static String partitionKey(String symbol, Interval interval) { return symbol + "|" + interval.code(); }

  public void add(Candle c) {
    buffer.add(c);
    if (buffer.size() >= batchSize) flush();
  }

  public boolean behind() { return buffer.size() + inFlight > BEHIND_THRESHOLD; }

  public Future<Void> flush() {
    if (buffer.isEmpty()) return Future.succeededFuture();
    List<Candle> pending = buffer;
    buffer = new ArrayList<>();
    Map<String, List<BatchOperation>> byPartition = new LinkedHashMap<>();
    for (Candle c : pending) {
      byPartition.computeIfAbsent(partitionKey(c.symbol(), c.interval()), k -> new ArrayList<>())
          .add(BatchOperation.upsert(Document.of(partitionKey(c.symbol(), c.interval()),
              Long.toString(c.openTime().toEpochMilli()), MarketJson.candle(c))));
    }
    List<Future<?>> writes = new ArrayList<>();
    inFlight += pending.size();
    byPartition.forEach((pk, ops) -> {
      for (int i = 0; i < ops.size(); i += DocumentStore.MAX_BATCH_OPERATIONS) {
        List<BatchOperation> chunk = ops.subList(i, Math.min(ops.size(), i + DocumentStore.MAX_BATCH_OPERATIONS));
        int n = chunk.size();
        writes.add(store.batch(CONTAINER, pk, List.copyOf(chunk))
            .onSuccess(r -> metrics.candlesPersisted.add(n))
            .onFailure(e -> {
              metrics.persistFailures.increment();
              log.error("Could not persist {} closed candles for {}: {}", n, pk, e.getMessage());
            }));
      }
    });
    return Future.join(writes).<Void>mapEmpty().onComplete(ar -> inFlight -= pending.size());
  }
}

package io.bourse.market;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deduplicator's per-symbol high-water marks kept in the document store, so a restarted process drops what Kafka
 * redelivers even without a shared (Redis) cache. Saved on the closed-candle flush timer and on stop, one small
 * document per symbol whose mark moved ({@code market_dedup}, partition = {@code <topic>|<symbol>}: sequences are the
 * producers' per topic; id {@code hwm}); read once at start.
 * A crash loses at most the marks of the last flush period: ticks published in that window may be published again
 * after the restart, nothing older. Owned by the market-data verticle's context.
 */
final class DedupMarks {
  static final String CONTAINER = "market_dedup";
  private static final String ID = "hwm";
  private static final Logger log = LoggerFactory.getLogger(DedupMarks.class);

  private final DocumentStore store;
  private final Deduplicator dedup;
  private final String scope;
  private final Map<String, Long> saved = new HashMap<>();
  private Future<Void> saving = Future.succeededFuture();

  /** @param scope what the sequences are relative to: the Kafka topic */
  DedupMarks(DocumentStore store, Deduplicator dedup, String scope) {
    this.store = store;
    this.dedup = dedup;
    this.scope = scope;
  }

  static String partitionKey(String scope, String symbol) { return scope + "|" + symbol; }

  static ContainerSpec spec() { return ContainerSpec.of(CONTAINER); }

  /** Seeds the deduplicator with every stored mark of the given symbols. */
  Future<Void> load(Iterable<String> symbols) {
    List<Future<?>> reads = new ArrayList<>();
    for (String symbol : symbols) {
      reads.add(store.read(CONTAINER, partitionKey(scope, symbol), ID).onSuccess(doc -> {
        if (doc == null) return;
        long mark = doc.body().getLong("sequence", -1L);
        if (mark >= 0) {
          dedup.seed(symbol, mark);
          saved.put(symbol, mark);
        }
      }));
    }
    return Future.all(reads).mapEmpty();
  }

  /** On stop: after any round in flight, one more with the final marks. */
  Future<Void> saveFinal() {
    return saving.transform(ar -> save());
  }

  /**
   * Writes the marks that moved since the last save. One round at a time, so an older mark can never overwrite a
   * newer one; a round that finds the previous one still running is skipped (the next picks its marks up).
   */
  Future<Void> save() {
    if (!saving.isComplete()) return saving;
    Map<String, Long> moved = new HashMap<>();
    dedup.forEachHighWaterMark((symbol, mark) -> {
      Long previous = saved.get(symbol);
      if (previous == null || mark > previous) moved.put(symbol, mark);
    });
    if (moved.isEmpty()) return Future.succeededFuture();
    List<Future<?>> writes = new ArrayList<>();
    moved.forEach((symbol, mark) -> writes.add(store.upsert(CONTAINER,
            Document.of(partitionKey(scope, symbol), ID,
                new JsonObject().put("topic", scope).put("symbol", symbol).put("sequence", mark)))
        .onSuccess(d -> saved.merge(symbol, mark, Math::max))));
    saving = Future.join(writes).<Void>mapEmpty()
        .onFailure(e -> log.warn("Could not save deduplication marks (retried on the next flush): {}", e.toString()));
    return saving;
  }
}

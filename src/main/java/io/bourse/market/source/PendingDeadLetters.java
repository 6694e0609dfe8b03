package io.bourse.market.source;

import io.bourse.market.DeadLetters;
import io.bourse.market.MarketMetrics;
import io.bourse.market.Rejection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka source's dead letters until the destination acknowledged them. A failed write is never given up on and
 * never fails anything else: the dead letter stays here and the source does not commit its partition past its offset
 * ({@link #firstPending}), so a restart before it is written delivers the message again. While writes fail, one
 * probe at a time retries the oldest dead letter with a backoff ({@value #RETRY_INITIAL_MS} ms doubling to
 * {@code retryMaxMs}); the others wait instead of each tying up the producer (a send to a missing topic blocks its
 * thread for {@code max.block.ms}). When a probe succeeds the waiting ones are sent. The source pauses while more
 * than its bound are pending, or while they hold more than {@value #MAX_PENDING_CHARS} characters of payload (a
 * flood of large invalid messages must not exhaust the heap). Owned by the source's context.
 */
final class PendingDeadLetters {
  private static final Logger log = LoggerFactory.getLogger(PendingDeadLetters.class);
  static final long RETRY_INITIAL_MS = 200;
  static final long MAX_PENDING_CHARS = 32L * 1024 * 1024;

  private record Entry(long id, TopicPartition tp, long offset, String origin, String payload, Rejection rejection,
                       long sinceMillis) {}

  private final Vertx vertx;
  private final DeadLetters destination;
  private final MarketMetrics metrics;
  private final long retryMaxMs;
  private final Runnable onWritten;
  private final Map<TopicPartition, TreeMap<Long, Entry>> byPartition = new HashMap<>();
  /** Not sent yet (or failed), oldest first. */
  private final TreeMap<Long, Entry> unsent = new TreeMap<>();
  private long nextId;
  private int count;
  private long chars;
  private boolean failing;
  private long backoffMs;
  private long retryTimer = -1;
  private long retryAtMillis;
  private String lastError;
  private boolean closed;

  /** @param onWritten run after a dead letter was written (the source may commit further or resume) */
  PendingDeadLetters(Vertx vertx, DeadLetters destination, MarketMetrics metrics, long retryMaxMs, Runnable onWritten) {
    this.vertx = vertx;
    this.destination = destination;
    this.metrics = metrics;
    this.retryMaxMs = retryMaxMs;
    this.onWritten = onWritten;
    metrics.deadLettersPending(() -> count);
  }

  void add(TopicPartition tp, long offset, String origin, String payload, Rejection rejection) {
    Entry e = new Entry(nextId++, tp, offset, origin, payload, rejection, System.currentTimeMillis());
    // A partition handed back after a rebalance redelivers the same offset: the newer entry replaces the older one.
    Entry replaced = byPartition.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, e);
    if (replaced != null) {
      unsent.remove(replaced.id);
      chars -= size(replaced);
    } else {
      count++;
    }
    chars += size(e);
    if (failing) unsent.put(e.id, e); else send(e);
  }

  private boolean current(Entry e) {
    TreeMap<Long, Entry> m = byPartition.get(e.tp);
    return m != null && m.get(e.offset) == e;
  }

  private void send(Entry e) {
    destination.publish(e.origin, e.payload, e.rejection).onComplete(ar -> {
      if (!current(e)) return; // the partition was revoked meanwhile: its next owner dead-letters it again
      if (ar.succeeded()) {
        remove(e);
        if (failing && retryTimer < 0) recovered();
        onWritten.run();
        return;
      }
      metrics.deadLetterFailures.increment();
      lastError = ar.cause().toString();
      unsent.put(e.id, e);
      if (!failing) {
        failing = true;
        log.error("Dead letter for {} not written ({}); offsets are not committed past it, retrying", e.origin, lastError);
      }
      scheduleProbe();
    });
  }

  private void scheduleProbe() {
    if (closed || retryTimer >= 0) return;
    backoffMs = backoffMs == 0 ? RETRY_INITIAL_MS : Math.min(retryMaxMs, backoffMs * 2);
    retryAtMillis = System.currentTimeMillis() + backoffMs;
    retryTimer = vertx.setTimer(backoffMs, id -> {
      retryTimer = -1;
      Map.Entry<Long, Entry> oldest = unsent.pollFirstEntry();
      if (oldest != null) send(oldest.getValue());
    });
  }

  /** A probe got through: send everything that waited. */
  private void recovered() {
    failing = false;
    backoffMs = 0;
    log.info("Dead letters are written again; sending the {} that waited", unsent.size());
    while (!unsent.isEmpty()) send(unsent.pollFirstEntry().getValue());
  }

  private void remove(Entry e) {
    TreeMap<Long, Entry> m = byPartition.get(e.tp);
    m.remove(e.offset);
    if (m.isEmpty()) byPartition.remove(e.tp);
    count--;
    chars -= size(e);
  }

  private static long size(Entry e) { return e.payload == null ? 0 : e.payload.length(); }

  /** Whether the pending dead letters are over the payload bound (the source pauses). */
  boolean overCharBound() { return chars >= MAX_PENDING_CHARS; }

  /** The lowest offset of the partition whose dead letter is not written yet, or null. */
  Long firstPending(TopicPartition tp) {
    TreeMap<Long, Entry> m = byPartition.get(tp);
    return m == null ? null : m.firstKey();
  }

  int pending() { return count; }

  /** The partition was revoked: its next owner starts at or before these offsets and dead-letters them itself. */
  void dropPartition(TopicPartition tp) {
    TreeMap<Long, Entry> m = byPartition.remove(tp);
    if (m == null) return;
    for (Entry e : m.values()) {
      unsent.remove(e.id);
      chars -= size(e);
    }
    count -= m.size();
  }

  /** Stops retrying; what is still pending was not committed past and comes again with the next consumer. */
  void close() {
    closed = true;
    if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
    retryTimer = -1;
  }

  JsonObject status() {
    long oldest = Long.MAX_VALUE;
    JsonObject held = new JsonObject();
    for (Map.Entry<TopicPartition, TreeMap<Long, Entry>> p : byPartition.entrySet()) {
      held.put(p.getKey().getTopic() + "-" + p.getKey().getPartition(), p.getValue().firstKey());
      for (Entry e : p.getValue().values()) oldest = Math.min(oldest, e.sinceMillis);
    }
    return new JsonObject().put("pending", count).put("pendingChars", chars).put("failing", failing)
        .put("failedAttempts", metrics.deadLetterFailures.sum())
        .put("oldestPendingSince", oldest == Long.MAX_VALUE ? null : Instant.ofEpochMilli(oldest).toString())
        .put("nextRetryAt", retryTimer >= 0 ? Instant.ofEpochMilli(retryAtMillis).toString() : null)
        .put("lastError", lastError).put("commitHeldAt", held);
  }
}

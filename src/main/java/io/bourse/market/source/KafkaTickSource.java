package io.bourse.market.source;

import io.bourse.market.DeadLetters;
import io.bourse.market.MarketConfig;
import io.bourse.market.MarketMetrics;
import io.bourse.market.MarketPipeline;
import io.bourse.market.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ticks from a Kafka topic (JSON values) in a consumer group, at-least-once with exact effects:
 * <ul>
 *   <li>auto-commit is off; a batch's offsets are committed only after every record in it went through the pipeline
 *       and every dead letter it produced is acknowledged by the broker;</li>
 *   <li>commits are chained in batch order, so a committed offset never passes an unfinished earlier batch (only
 *       contiguous processed offsets are committed);</li>
 *   <li>the stream is paused while too many batches await their commit or the downstream reports it is behind, and
 *       resumed when they drain. Pausing the Vert.x stream (not Kafka partitions) survives rebalances, which drop
 *       partition-level pauses (KAFKA-13425);</li>
 *   <li>on revocation the offsets already processed for the revoked partitions are committed; anything redelivered
 *       to the next owner is dropped by the (symbol, sequence) deduplicator.</li>
 * </ul>
 */
public final class KafkaTickSource implements TickSource {
  private static final Logger log = LoggerFactory.getLogger(KafkaTickSource.class);

  private final Vertx vertx;
  private final MarketConfig.Kafka config;
  private final MarketPipeline pipeline;
  private final DeadLetters deadLetters;
  private final MarketMetrics metrics;
  private final BooleanSupplier downstreamBehind;
  private final Map<String, String> extraProps;

  private static final java.time.Duration POLL_TIMEOUT = java.time.Duration.ofMillis(500);
  private KafkaConsumer<byte[], byte[]> consumer;
  private boolean polling;
  private Future<Void> commitChain = Future.succeededFuture();
  /** Next offset to commit per partition, advanced only when a batch's chain link completes. */
  private final Map<TopicPartition, Long> processed = new HashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private int batchesAwaitingCommit;
  private boolean paused;
  private boolean stopping;
  private long lagTimer = -1;
  private long committedBatches;
  private long lastDeliveryNanos = Long.MIN_VALUE;
  /** The consumer's {@code fetch-total} at the previous health read, and when it last moved. */
  private double lastFetchTotal = -1;
  private long lastFetchNanos = Long.MIN_VALUE;
  /** A lag reading is trusted only if a fetch response arrived this recently (fetches return at least every 500 ms). */
  private static final long FETCH_FRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

  public KafkaTickSource(Vertx vertx, MarketConfig.Kafka config, MarketPipeline pipeline, DeadLetters deadLetters,
                         MarketMetrics metrics, BooleanSupplier downstreamBehind, Map<String, String> extraProps) {
    this.vertx = vertx;
    this.config = config;
    this.pipeline = pipeline;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.downstreamBehind = downstreamBehind;
    this.extraProps = extraProps == null ? Map.of() : extraProps;
  }

  @Override public String name() { return "kafka"; }

  @Override
  public Future<Void> start() {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", config.bootstrap());
    props.put("group.id", config.groupId());
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", "earliest");
    props.put("max.poll.records", Integer.toString(config.maxPollRecords()));
    // Values are read as bytes and parsed straight into ticks (no String, no JSON object); keys are not used.
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.putAll(extraProps);
    consumer = KafkaConsumer.create(vertx, props);
    consumer.partitionsAssignedHandler(this::onAssigned);
    consumer.partitionsRevokedHandler(this::onRevoked);
    lagTimer = vertx.setPeriodic(5_000, id -> updateLag());
    return consumer.subscribe(config.topic())
        .onSuccess(v -> {
          log.info("Consuming {} as group {}", config.topic(), config.groupId());
          pollNext();
        });
  }

  /**
   * Explicit poll loop instead of the record stream: the stream hands every record to a handler (ten per event-loop
   * turn, on a fresh context each) and polls again only once the batch is drained, so fetching and processing never
   * overlap. Here the next poll is submitted to the consumer's thread <em>before</em> the current batch is processed,
   * as long as that stays within the in-flight limit, so the consumer fetches and decompresses the next batch while
   * this event loop works through the current one.
   */
  private void pollNext() {
    if (polling || paused || stopping) return;
    polling = true;
    consumer.asStream().poll(POLL_TIMEOUT).onComplete(ar -> {
      polling = false;
      if (stopping) return; // not processed, so not committed: the next owner gets these records again
      if (ar.failed()) {
        log.warn("Kafka poll failed: {}", ar.cause().toString());
        vertx.setTimer(100, id -> pollNext());
        return;
      }
      ConsumerRecords<byte[], byte[]> records = ar.result();
      if (!records.isEmpty()) {
        if (batchesAwaitingCommit + 1 < config.maxInFlightBatches() && !downstreamBehind.getAsBoolean()) pollNext();
        onBatch(records);
      }
      pollNext();
    });
  }

  private void onBatch(ConsumerRecords<byte[], byte[]> records) {
    long now = System.nanoTime();
    lastDeliveryNanos = now;
    Map<TopicPartition, Long> next = new HashMap<>();
    List<Future<Void>> deadLettered = new ArrayList<>();
    for (org.apache.kafka.common.TopicPartition part : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(part);
      for (int i = 0; i < rs.size(); i++) {
        ConsumerRecord<byte[], byte[]> r = rs.get(i);
        Rejection rejection = pipeline.offer(r.value(), now);
        if (rejection != null) {
          String origin = "kafka:" + r.topic() + "/" + r.partition() + "@" + r.offset();
          String payload = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
          deadLettered.add(deadLetters.publish(origin, payload, rejection)
              .onFailure(e -> log.error("Dead letter for {} not written: {}", origin, e.toString())));
        }
      }
      if (!rs.isEmpty()) next.put(new TopicPartition(part.topic(), part.partition()), rs.get(rs.size() - 1).offset() + 1);
    }
    pipeline.endOfBatch();
    batchesAwaitingCommit++;
    Future<Void> dlq = deadLettered.isEmpty() ? Future.succeededFuture() : Future.all(deadLettered).mapEmpty();
    // A failed dead letter must not be committed past: the link fails, and so does every later link, until restart
    // redelivers from the last good offset.
    commitChain = commitChain.compose(v -> dlq).compose(v -> {
      next.forEach((tp, off) -> { if (assigned.contains(tp)) processed.merge(tp, off, Math::max); });
      // A failed commit is not sticky: offsets are cumulative, so the next batch's commit covers this one.
      return commit(next).recover(e -> {
        log.warn("Offset commit failed (the next commit covers it): {}", e.toString());
        return Future.succeededFuture();
      });
    }).onComplete(ar -> {
      batchesAwaitingCommit--;
      maybeResume();
    });
    if (!paused && (batchesAwaitingCommit >= config.maxInFlightBatches() || downstreamBehind.getAsBoolean())) {
      paused = true;
      log.debug("Paused: {} batches awaiting commit", batchesAwaitingCommit);
    }
  }

  private Future<Void> commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> c = new HashMap<>();
    offsets.forEach((tp, off) -> { if (assigned.contains(tp)) c.put(tp, new OffsetAndMetadata(off, null)); });
    if (c.isEmpty()) return Future.succeededFuture();
    return consumer.commit(c).onSuccess(x -> committedBatches++).mapEmpty();
  }

  private void maybeResume() {
    if (stopping) return;
    if (paused && batchesAwaitingCommit <= config.maxInFlightBatches() / 2 && !downstreamBehind.getAsBoolean()) {
      paused = false;
      pollNext();
    } else if (paused && batchesAwaitingCommit == 0) {
      // Only the downstream holds us: look again shortly rather than waiting for a commit that will not come.
      vertx.setTimer(50, id -> maybeResume());
    }
  }

  private void onAssigned(Set<TopicPartition> partitions) {
    assigned.addAll(partitions);
    log.info("Assigned {}", partitions);
  }

  private void onRevoked(Set<TopicPartition> partitions) {
    if (stopping) {
      // Revocation during close: the commit chain already committed everything processed.
      assigned.removeAll(partitions);
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> c = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Long off = processed.remove(tp);
      if (off != null) c.put(tp, new OffsetAndMetadata(off, null));
    }
    if (!c.isEmpty()) consumer.commit(c).onFailure(e -> log.warn("Commit on revoke failed: {}", e.toString()));
    assigned.removeAll(partitions);
    log.info("Revoked {}", partitions);
  }

  private void updateLag() {
    if (assigned.isEmpty()) return;
    Set<TopicPartition> tps = Set.copyOf(assigned);
    consumer.endOffsets(tps).onSuccess(ends -> ends.forEach((tp, end) -> {
      long pos = processed.getOrDefault(tp, 0L);
      metrics.lag(tp.getTopic() + "-" + tp.getPartition(), Math.max(0, end - pos));
    }));
  }

  /**
   * Connected = the consumer holds at least one open broker connection ({@code connection-count}); lag = the sum of
   * the per-partition {@code records-lag} the consumer recorded from its latest fetch responses, known only when every
   * assigned partition has one and a fetch response arrived within the last few seconds (0 with no partitions). Read from the consumer's
   * metric registry, which is safe from any thread and costs no broker round trip (so it also works, and answers
   * "disconnected", while the broker is down).
   */
  @Override
  public SourceHealth health(long nowNanos) {
    if (consumer == null || stopping) return new SourceHealth(false, SourceHealth.UNKNOWN, lastDeliveryNanos);
    double connections = 0;
    double fetchTotal = -1;
    Map<String, Double> lagByPartition = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.unwrap().metrics().entrySet()) {
      MetricName n = e.getKey();
      switch (n.name()) {
        case "connection-count" -> {
          if ("consumer-metrics".equals(n.group())) connections = number(e.getValue());
        }
        case "fetch-total" -> {
          if ("consumer-fetch-manager-metrics".equals(n.group()) && !n.tags().containsKey("topic")) fetchTotal = number(e.getValue());
        }
        case "records-lag" -> {
          String topic = n.tags().get("topic");
          String partition = n.tags().get("partition");
          if (topic != null && partition != null) lagByPartition.put(topic.replace('.', '_') + "-" + partition, number(e.getValue()));
        }
        default -> { }
      }
    }
    if (fetchTotal > lastFetchTotal) {
      lastFetchTotal = fetchTotal;
      lastFetchNanos = nowNanos;
    }
    boolean connected = connections > 0;
    long lag = SourceHealth.UNKNOWN;
    if (connected && assigned.isEmpty()) {
      lag = 0; // a group member without partitions (more instances than partitions) has nothing to catch up on
    } else if (connected && lastFetchNanos != Long.MIN_VALUE && nowNanos - lastFetchNanos <= FETCH_FRESH_NANOS) {
      long sum = 0;
      for (TopicPartition tp : assigned) {
        Double l = lagByPartition.get(tp.getTopic().replace('.', '_') + "-" + tp.getPartition());
        if (l == null || l.isNaN() || l < 0) {
          sum = SourceHealth.UNKNOWN;
          break;
        }
        sum += l.longValue();
      }
      lag = sum;
    }
    return new SourceHealth(connected, lag, lastDeliveryNanos);
  }

  private static double number(Metric m) {
    return m.metricValue() instanceof Number n ? n.doubleValue() : 0;
  }

  /**
   * Stops polling first (closing under a running poll loop makes the Kafka client fail every poll with "not safe for
   * multi-threaded access" until the close finishes), waits for the outstanding commits, then leaves the group.
   */
  @Override
  public Future<Void> stop() {
    if (consumer == null || stopping) return Future.succeededFuture();
    stopping = true;
    if (lagTimer >= 0) vertx.cancelTimer(lagTimer);
    return commitChain.recover(e -> Future.succeededFuture()).compose(v -> consumer.close());
  }

  @Override
  public JsonObject status() {
    JsonArray parts = new JsonArray();
    assigned.forEach(tp -> parts.add(tp.getTopic() + "-" + tp.getPartition()));
    SourceHealth h = health(System.nanoTime());
    return new JsonObject().put("source", "kafka").put("connected", h.connected())
        .put("lag", h.lag() == SourceHealth.UNKNOWN ? null : h.lag()).put("topic", config.topic()).put("assigned", parts)
        .put("paused", paused).put("batchesAwaitingCommit", batchesAwaitingCommit).put("committedBatches", committedBatches);
  }
}

package io.bourse.market.source;

import io.bourse.market.DeadLetters;
import io.bourse.market.MarketConfig;
import io.bourse.market.MarketMetrics;
import io.bourse.market.MarketPipeline;
import io.bourse.market.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.nio.charset.StandardCharsets;
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
 *   <li>auto-commit is off. A partition's offset is committed only up to what was processed <em>and</em> made durable
 *       downstream ({@link Durability}: the market verticle's checkpoint of open candles and dedup marks), and never
 *       past a message whose dead letter is not written yet ({@link PendingDeadLetters}: retried until it is). So a
 *       restart redelivers everything not covered by the last checkpoint, and nothing invalid is lost silently;</li>
 *   <li>one commit in flight at a time; each covers everything eligible when it starts (offsets are cumulative, so a
 *       failed commit is simply covered by the next one);</li>
 *   <li>the stream is paused while the downstream reports it is behind or too many dead letters wait to be written,
 *       and resumed when they drain. Pausing the Vert.x stream (not Kafka partitions) survives rebalances, which drop
 *       partition-level pauses (KAFKA-13425);</li>
 *   <li>on revocation nothing more is committed for the revoked partitions: their next owner starts from the last
 *       durable commit, and whatever it receives again is dropped by the (symbol, sequence) deduplicator.</li>
 * </ul>
 */
public final class KafkaTickSource implements TickSource {
  private static final Logger log = LoggerFactory.getLogger(KafkaTickSource.class);
  private static final long STOP_COMMIT_TIMEOUT_MS = 5_000;

  /**
   * What the source waits for before committing: everything it processed before the call made durable downstream.
   * {@code urgent} asks for it now (at stop) instead of at the next regular round.
   */
  @FunctionalInterface
  public interface Durability {
    Durability NONE = urgent -> Future.succeededFuture();

    Future<Void> processedSoFar(boolean urgent);
  }

  private final Vertx vertx;
  private final MarketConfig.Kafka config;
  private final MarketPipeline pipeline;
  private final MarketMetrics metrics;
  private final BooleanSupplier downstreamBehind;
  private final Durability durability;
  private final Map<String, String> extraProps;
  private final PendingDeadLetters deadLetters;

  private static final java.time.Duration POLL_TIMEOUT = java.time.Duration.ofMillis(500);
  private KafkaConsumer<byte[], byte[]> consumer;
  private boolean polling;
  private Future<Void> pollDone = Future.succeededFuture();
  /** Next offset to process per assigned partition (one past the last processed record). */
  private final Map<TopicPartition, Long> processed = new HashMap<>();
  /** Last offset committed per assigned partition. */
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  /** Partitions of the topic (from its metadata), to tell whether this consumer owns all of it. */
  private int topicPartitions = -1;
  private boolean committing;
  private boolean commitAgain;
  private Future<Void> commitDone = Future.succeededFuture();
  private boolean paused;
  /** A batch that arrived while paused, processed first when the pause ends. */
  private ConsumerRecords<byte[], byte[]> held;
  private String pauseReason;
  private boolean stopping;
  private long lagTimer = -1;
  private long resumeCheck = -1;
  private long commits;
  private long lastDeliveryNanos = Long.MIN_VALUE;
  /** The consumer's {@code fetch-total} at the previous health read, and when it last moved. */
  private double lastFetchTotal = -1;
  private long lastFetchNanos = Long.MIN_VALUE;
  /** A lag reading is trusted only if a fetch response arrived this recently (fetches return at least every 500 ms). */
  private static final long FETCH_FRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

  public KafkaTickSource(Vertx vertx, MarketConfig.Kafka config, MarketPipeline pipeline, DeadLetters deadLetters,
                         MarketMetrics metrics, BooleanSupplier downstreamBehind, Durability durability,
                         Map<String, String> extraProps) {
    this.vertx = vertx;
    this.config = config;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.downstreamBehind = downstreamBehind;
    this.durability = durability == null ? Durability.NONE : durability;
    this.extraProps = extraProps == null ? Map.of() : extraProps;
    this.deadLetters = new PendingDeadLetters(vertx, deadLetters, metrics, config.deadLetterRetryMaxMs(), () -> {
      requestCommit();
      maybeResume();
    });
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
   * overlap. Here the next poll is submitted to the consumer's thread <em>before</em> the current batch is processed
   * (unless the source must pause), so the consumer fetches and decompresses the next batch while this event loop
   * works through the current one.
   */
  private void pollNext() {
    if (polling || paused || stopping) return;
    polling = true;
    Promise<Void> done = Promise.promise();
    pollDone = done.future();
    consumer.asStream().poll(POLL_TIMEOUT).onComplete(ar -> {
      polling = false;
      done.complete();
      if (stopping) return; // not processed, so not committed: the next owner gets these records again
      if (ar.failed()) {
        log.warn("Kafka poll failed: {}", ar.cause().toString());
        vertx.setTimer(100, id -> pollNext());
        return;
      }
      ConsumerRecords<byte[], byte[]> records = ar.result();
      if (!records.isEmpty()) {
        if (paused) {
          // Fetched ahead just before the pause: kept (not processed, so not committed) until it ends.
          held = records;
          return;
        }
        if (pauseReason() == null) pollNext();
        onBatch(records);
      }
      pollNext();
    });
  }

  private void onBatch(ConsumerRecords<byte[], byte[]> records) {
    long now = System.nanoTime();
    lastDeliveryNanos = now;
    for (org.apache.kafka.common.TopicPartition part : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(part);
      if (rs.isEmpty()) continue;
      TopicPartition tp = new TopicPartition(part.topic(), part.partition());
      for (int i = 0; i < rs.size(); i++) {
        ConsumerRecord<byte[], byte[]> r = rs.get(i);
        Rejection rejection = pipeline.offer(r.value(), now);
        if (rejection != null) {
          String origin = "kafka:" + r.topic() + "/" + r.partition() + "@" + r.offset();
          String payload = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
          deadLetters.add(tp, r.offset(), origin, payload, rejection);
        }
      }
      // Records of a partition revoked meanwhile are processed (dedup makes that harmless) but not committed.
      if (assigned.contains(tp)) processed.merge(tp, rs.get(rs.size() - 1).offset() + 1, Math::max);
    }
    pipeline.endOfBatch();
    requestCommit();
    String reason = pauseReason();
    if (!paused && reason != null) {
      paused = true;
      log.debug("Paused: {}", reason);
      scheduleResumeCheck();
    }
  }

  /** Why the source must not poll now, or null. */
  private String pauseReason() {
    if (downstreamBehind.getAsBoolean()) return "downstream behind (candle writes)";
    if (deadLetters.pending() >= config.maxPendingDeadLetters() || deadLetters.overCharBound()) {
      return deadLetters.pending() + " dead letters waiting to be written";
    }
    return null;
  }

  /** Starts a commit round unless one is running, in which case another follows it. */
  private void requestCommit() {
    if (stopping) return; // stop() makes the last commit itself
    if (committing) {
      commitAgain = true;
      return;
    }
    committing = true;
    Map<TopicPartition, Long> target = new HashMap<>(processed);
    commitDone = durability.processedSoFar(false)
        .compose(v -> commit(target))
        .recover(e -> {
          log.warn("Offset commit failed (the next commit covers it): {}", e.toString());
          return Future.succeededFuture();
        })
        .onComplete(ar -> {
          committing = false;
          if (commitAgain) {
            commitAgain = false;
            requestCommit();
          }
        });
  }

  /** Commits each target offset, held back to the first dead letter not written yet; only what moves forward. */
  private Future<Void> commit(Map<TopicPartition, Long> target) {
    Map<TopicPartition, OffsetAndMetadata> c = new HashMap<>();
    target.forEach((tp, off) -> {
      if (!assigned.contains(tp)) return;
      Long held = deadLetters.firstPending(tp);
      long to = held == null ? off : Math.min(off, held);
      Long before = committed.get(tp);
      if (before == null || to > before) c.put(tp, new OffsetAndMetadata(to, null));
    });
    if (c.isEmpty()) return Future.succeededFuture();
    return consumer.commit(c).onSuccess(x -> {
      commits++;
      c.forEach((tp, om) -> { if (assigned.contains(tp)) committed.merge(tp, om.getOffset(), Math::max); });
    }).mapEmpty();
  }

  private void maybeResume() {
    if (stopping || !paused) return;
    if (pauseReason() == null) {
      paused = false;
      ConsumerRecords<byte[], byte[]> batch = held;
      held = null;
      pollNext();
      if (batch != null) onBatch(batch);
    } else {
      scheduleResumeCheck();
    }
  }

  /** While paused, the downstream (or the dead-letter destination) is looked at again shortly; one timer at a time. */
  private void scheduleResumeCheck() {
    if (resumeCheck >= 0 || stopping) return;
    resumeCheck = vertx.setTimer(50, id -> {
      resumeCheck = -1;
      maybeResume();
    });
  }

  private void onAssigned(Set<TopicPartition> partitions) {
    assigned.addAll(partitions);
    log.info("Assigned {}", partitions);
    consumer.partitionsFor(config.topic()).onSuccess(infos -> topicPartitions = infos.size());
    updateLag();
  }

  private void onRevoked(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      processed.remove(tp);
      committed.remove(tp);
      deadLetters.dropPartition(tp);
      metrics.removeLag(tp.getTopic(), tp.getPartition());
    }
    assigned.removeAll(partitions);
    if (!stopping) log.info("Revoked {}", partitions);
  }

  /**
   * Whether this consumer holds every partition of the topic (every symbol on it is this process's): null while that
   * is not known yet (no assignment, or the topic's partition count not read yet).
   */
  public Boolean ownsAllPartitions() {
    if (topicPartitions <= 0 || assigned.isEmpty()) return null;
    return assigned.size() == topicPartitions;
  }

  /**
   * Lag per partition for the meters: end offset minus the next offset this consumer processes — the one after the
   * last processed record, or, for a partition that has delivered nothing here yet, the consumer's position (where
   * it resumes: the committed offset), so a freshly assigned partition that is caught up reads 0, not its end offset.
   */
  private void updateLag() {
    if (assigned.isEmpty() || stopping) return;
    Set<TopicPartition> tps = Set.copyOf(assigned);
    consumer.endOffsets(tps).onSuccess(ends -> ends.forEach((tp, end) -> {
      Long done = processed.get(tp);
      Future<Long> position = done != null ? Future.succeededFuture(done) : consumer.position(tp);
      position.onSuccess(pos -> {
        if (assigned.contains(tp)) metrics.lag(tp.getTopic(), tp.getPartition(), Math.max(0, end - pos));
      });
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
   * multi-threaded access" until the close finishes), then commits what the downstream made durable (an urgent
   * checkpoint; bounded in time), then leaves the group. Dead letters still pending are not committed past.
   */
  @Override
  public Future<Void> stop() {
    if (consumer == null || stopping) return Future.succeededFuture();
    stopping = true;
    if (lagTimer >= 0) vertx.cancelTimer(lagTimer);
    deadLetters.close();
    // The urgent checkpoint round also completes whatever a commit in flight waits for (a round takes all waiters).
    return pollDone
        .transform(ar -> durability.processedSoFar(true).timeout(STOP_COMMIT_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
        .transform(ar -> {
          if (ar.failed()) {
            log.warn("No final commit, the downstream could not make the last records durable: {}", ar.cause().toString());
            return consumer.close();
          }
          return commitDone.transform(x -> commit(new HashMap<>(processed)))
              .transform(x -> {
                if (x.failed()) log.warn("Final commit failed: {}", x.cause().toString());
                return consumer.close();
              });
        });
  }

  @Override
  public JsonObject status() {
    JsonArray parts = new JsonArray();
    assigned.forEach(tp -> parts.add(tp.getTopic() + "-" + tp.getPartition()));
    JsonObject committedOffsets = new JsonObject();
    committed.forEach((tp, off) -> committedOffsets.put(tp.getTopic() + "-" + tp.getPartition(), off));
    JsonObject processedOffsets = new JsonObject();
    processed.forEach((tp, off) -> processedOffsets.put(tp.getTopic() + "-" + tp.getPartition(), off));
    SourceHealth h = health(System.nanoTime());
    return new JsonObject().put("source", "kafka").put("connected", h.connected())
        .put("lag", h.lag() == SourceHealth.UNKNOWN ? null : h.lag()).put("topic", config.topic()).put("assigned", parts)
        .put("paused", paused).put("pauseReason", paused ? pauseReason() : null)
        .put("processedOffsets", processedOffsets).put("committedOffsets", committedOffsets).put("commits", commits)
        .put("deadLetters", deadLetters.status());
  }
}

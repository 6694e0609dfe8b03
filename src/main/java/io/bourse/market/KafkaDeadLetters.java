package io.bourse.market;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Map;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Dead letters to a Kafka topic: value is the original payload untouched (so it can be replayed after a fix), the
 * reason, detail and origin travel in headers. A payload the dead-letter topic refuses as too large (its
 * {@code max.message.bytes} can be smaller than the source topic's) is sent again cut to
 * {@value StoreDeadLetters#MAX_PAYLOAD_CHARS} characters with the header {@code truncated: true}: the origin header
 * still names the source offset, where the whole message can be read while the topic retains it. Any other failure
 * is the caller's to retry.
 */
public final class KafkaDeadLetters implements DeadLetters {
  /**
   * How long a send may wait for the topic's metadata or the broker's acknowledgement before it fails (and is
   * retried by the caller): a missing topic would otherwise hold the producer's thread for a minute per message.
   */
  static final int SEND_TIMEOUT_MS = 5_000;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KafkaDeadLetters.class);

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final MarketMetrics metrics;

  public KafkaDeadLetters(Vertx vertx, String bootstrap, String topic, MarketMetrics metrics) {
    this.producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", bootstrap,
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "acks", "all",
        "enable.idempotence", "true",
        "linger.ms", "5",
        "max.block.ms", Integer.toString(SEND_TIMEOUT_MS),
        "request.timeout.ms", Integer.toString(SEND_TIMEOUT_MS),
        // Must be at least linger.ms + request.timeout.ms.
        "delivery.timeout.ms", Integer.toString(2 * SEND_TIMEOUT_MS)));
    // Failures reach the caller through publish()'s future (and are retried there); without a handler the client
    // would also report each one as an unhandled exception on the context.
    this.producer.exceptionHandler(e -> log.debug("Dead-letter producer: {}", e.toString()));
    this.topic = topic;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> publish(String origin, String payload, Rejection rejection) {
    return send(origin, payload, rejection, false).recover(e -> {
      if (!(e instanceof RecordTooLargeException) || payload == null
          || payload.length() <= StoreDeadLetters.MAX_PAYLOAD_CHARS) {
        return Future.failedFuture(e);
      }
      return send(origin, payload.substring(0, StoreDeadLetters.MAX_PAYLOAD_CHARS), rejection, true);
    }).onSuccess(v -> metrics.deadLettered.increment());
  }

  private Future<Void> send(String origin, String payload, Rejection rejection, boolean truncated) {
    KafkaProducerRecord<String, String> rec = KafkaProducerRecord.create(topic, null, payload);
    rec.addHeader("reason", rejection.reason().name());
    rec.addHeader("detail", rejection.detail());
    rec.addHeader("origin", origin);
    if (truncated) rec.addHeader("truncated", "true");
    return producer.send(rec).mapEmpty();
  }

  @Override
  public Future<Void> close() { return producer.close(); }
}

package io.bourse.market;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Map;

/**
 * Dead letters to a Kafka topic: value is the original payload untouched (so it can be replayed after a fix), the
 * reason, detail and origin travel in headers.
 */
public final class KafkaDeadLetters implements DeadLetters {
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
        "linger.ms", "5"));
    this.topic = topic;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> publish(String origin, String payload, Rejection rejection) {
    metrics.deadLettered.increment();
    KafkaProducerRecord<String, String> rec = KafkaProducerRecord.create(topic, null, payload);
    rec.addHeader("reason", rejection.reason().name());
    rec.addHeader("detail", rejection.detail());
    rec.addHeader("origin", origin);
    return producer.send(rec).mapEmpty();
  }

  @Override
  public Future<Void> close() { return producer.close(); }
}

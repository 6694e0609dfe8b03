package io.bourse.market;

import io.vertx.core.Future;

/**
 * Where rejected messages go, with the reason: a Kafka dead-letter topic when ingesting from Kafka, otherwise the
 * {@code dead_letters} container. The returned future completes once the dead letter is durable, so a Kafka source
 * can hold its offset commit until then (a poison message is never silently lost).
 */
public interface DeadLetters {
  /** {@code origin} says where the message came from, e.g. "kafka:md.ticks/0@42" or "csv:ticks.csv:17". */
  Future<Void> publish(String origin, String payload, Rejection rejection);

  default Future<Void> close() { return Future.succeededFuture(); }
}

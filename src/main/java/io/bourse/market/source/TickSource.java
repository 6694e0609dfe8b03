package io.bourse.market.source;

import io.vertx.core.Future;

/** One way ticks enter the pipeline. Started and stopped on the owning verticle's context. */
public interface TickSource {
  String name();

  Future<Void> start();

  Future<Void> stop();

  /** Extra status for /health/detailed (e.g. assigned partitions); empty by default. */
  default io.vertx.core.json.JsonObject status() { return new io.vertx.core.json.JsonObject(); }
}

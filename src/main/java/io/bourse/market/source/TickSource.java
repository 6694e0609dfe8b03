package io.bourse.market.source;

import io.vertx.core.Future;

/** One way ticks enter the pipeline. Started and stopped on the owning verticle's context. */
public interface TickSource {
  String name();

  Future<Void> start();

  Future<Void> stop();

  /**
   * Connection and lag as far as the source knows them, read by the candle sweep once a second on the owning context.
   * Local sources (simulated feed, CSV) are always connected and caught up.
   */
  default SourceHealth health(long nowNanos) { return SourceHealth.local(nowNanos); }

  /** Extra status for /health/detailed (e.g. assigned partitions); empty by default. */
  default io.vertx.core.json.JsonObject status() { return new io.vertx.core.json.JsonObject(); }
}

package io.bourse.market;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Dead letters in the {@code dead_letters} container (embedded mode), partitioned by rejection reason. */
public final class StoreDeadLetters implements DeadLetters {
  public static final String CONTAINER = "dead_letters";
  /** Payloads are attacker-controlled in size; keep enough to diagnose, not enough to fill the store. */
  static final int MAX_PAYLOAD_CHARS = 4_096;
  private static final int TTL_SECONDS = 14 * 24 * 3600;

  private final DocumentStore store;
  private final MarketMetrics metrics;

  public StoreDeadLetters(DocumentStore store, MarketMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  public static ContainerSpec spec() { return ContainerSpec.of(CONTAINER, "reason", "at"); }

  @Override
  public Future<Void> publish(String origin, String payload, Rejection rejection) {
    JsonObject body = body(origin, payload, rejection);
    return store.create(CONTAINER, Document.of(rejection.reason().name(), UUID.randomUUID().toString(), body)
        .withTtl(TTL_SECONDS)).<Void>mapEmpty().onSuccess(v -> metrics.deadLettered.increment());
  }

  static JsonObject body(String origin, String payload, Rejection rejection) {
    String p = payload == null ? "" : payload;
    return new JsonObject().put("origin", origin).put("reason", rejection.reason().name())
        .put("detail", rejection.detail())
        .put("payload", p.length() > MAX_PAYLOAD_CHARS ? p.substring(0, MAX_PAYLOAD_CHARS) : p)
        .put("truncated", p.length() > MAX_PAYLOAD_CHARS)
        .put("at", Instant.now().toString());
  }
}

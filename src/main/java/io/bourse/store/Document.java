package io.bourse.store;

import io.vertx.core.json.JsonObject;

/**
 * One stored document. {@code body} holds the application fields (queries filter on them); the store owns
 * {@code etag} and {@code timestamp} (epoch millis of the last write; Cosmos keeps whole seconds). {@code ttlSeconds}
 * &le; 0 means the container's default (by default none). Top-level body fields {@code id}, {@code pk}, {@code ttl} and
 * names starting with {@code _} are reserved by the stores.
 */
public record Document(String id, String partitionKey, JsonObject body, String etag, long timestamp, int ttlSeconds) {

  public static Document of(String partitionKey, String id, JsonObject body) {
    return new Document(id, partitionKey, body, null, 0L, 0);
  }

  public Document withTtl(int seconds) {
    return new Document(id, partitionKey, body, etag, timestamp, seconds);
  }

  public Document withBody(JsonObject newBody) {
    return new Document(id, partitionKey, newBody, etag, timestamp, ttlSeconds);
  }
}

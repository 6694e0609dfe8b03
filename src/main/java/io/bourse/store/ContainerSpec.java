package io.bourse.store;

import java.util.List;

/**
 * A container and the body fields it is queried by (the embedded store indexes them; Cosmos indexes everything).
 * The partition key is always the document's {@link Document#partitionKey()} (stored as {@code /pk} in Cosmos).
 * {@code defaultTtlSeconds} &gt; 0 makes documents without their own TTL expire after that many seconds.
 */
public record ContainerSpec(String name, List<String> indexedFields, int defaultTtlSeconds) {
  public static ContainerSpec of(String name, String... indexedFields) {
    return new ContainerSpec(name, List.of(indexedFields), 0);
  }
}

package io.bourse.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A container and how it is queried: each index is one body field, or several queried together (equality on the
 * leading ones, ordering or a range on the last). The embedded store builds exactly these indexes; Cosmos indexes
 * every field and gets an ORDER BY index per field. {@value StoreRules#ORDER_BY_TIMESTAMP} names the write timestamp.
 * The partition key is always the document's {@link Document#partitionKey()} (stored as {@code /pk} in Cosmos).
 * {@code defaultTtlSeconds} &gt; 0 makes documents without their own TTL expire after that many seconds.
 *
 * <p>Every index costs each write of a document that has its fields an index update, so a container lists only what
 * its queries need.
 */
public record ContainerSpec(String name, List<List<String>> indexes, int defaultTtlSeconds) {
  public ContainerSpec {
    indexes = indexes.stream().map(List::copyOf).toList();
  }

  /** A container with one single-field index per named field. */
  public static ContainerSpec of(String name, String... indexedFields) {
    return new ContainerSpec(name, List.of(indexedFields).stream().map(List::of).toList(), 0);
  }

  /** This spec plus one index over {@code fields} together, in that order. */
  public ContainerSpec withIndex(String... fields) {
    List<List<String>> more = new ArrayList<>(indexes);
    more.add(List.of(fields));
    return new ContainerSpec(name, more, defaultTtlSeconds);
  }

  /** Every field some index covers, once each. */
  public List<String> indexedFields() {
    LinkedHashSet<String> fields = new LinkedHashSet<>();
    indexes.forEach(fields::addAll);
    return List.copyOf(fields);
  }
}

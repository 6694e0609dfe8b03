package io.bourse.common;

/**
 * Which of {@code n} partitions a key belongs to. Trading shards own accounts by it, and a shard's venue stream asks
 * the venue for its partition's executions by the same rule, so the two must never differ: this is the one place it
 * is written. Java's {@link String#hashCode} is specified, so a venue in another process computes the same.
 */
public final class Partitions {
  private Partitions() {}

  public static int of(String key, int n) {
    if (n <= 0) throw new IllegalArgumentException("partitions must be positive, got " + n);
    return Math.floorMod(key.hashCode(), n);
  }
}

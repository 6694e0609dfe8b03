package io.bourse.market;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Candle intervals. Buckets are aligned to the UTC epoch, so 1d candles run midnight to midnight UTC. */
public enum Interval {
  M1("1m", Duration.ofMinutes(1)),
  M5("5m", Duration.ofMinutes(5)),
  H1("1h", Duration.ofHours(1)),
  D1("1d", Duration.ofDays(1));

  private final String code;
  private final long millis;

  Interval(String code, Duration length) {
    this.code = code;
    this.millis = length.toMillis();
  }

  public String code() { return code; }

  public long millis() { return millis; }

  /** Start of the bucket holding {@code epochMillis}; floorDiv keeps pre-1970 instants in the right bucket. */
  public long bucketStart(long epochMillis) {
    return Math.floorDiv(epochMillis, millis) * millis;
  }

  public Instant bucketStart(Instant t) {
    return Instant.ofEpochMilli(bucketStart(t.toEpochMilli()));
  }

  public static Optional<Interval> parse(String raw) {
    if (raw == null) return Optional.empty();
    for (Interval i : values()) {
      if (i.code.equals(raw.trim())) return Optional.of(i);
    }
    return Optional.empty();
  }
}

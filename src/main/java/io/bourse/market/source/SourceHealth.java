package io.bourse.market.source;

/**
 * What a source knows about its own delivery, for the candle sweep: whether it is connected to its upstream, how far
 * behind the upstream it is ({@code lag} in messages, {@link #UNKNOWN} when it has no fresh measurement), and when it
 * last handed the pipeline anything ({@link System#nanoTime()}, {@link Long#MIN_VALUE} if never).
 */
public record SourceHealth(boolean connected, long lag, long lastDeliveryNanos) {
  public static final long UNKNOWN = -1;

  /** Sources that generate or read their ticks locally: always connected, never behind. */
  public static SourceHealth local(long nowNanos) {
    return new SourceHealth(true, 0, nowNanos);
  }

  public boolean caughtUp() { return connected && lag == 0; }
}

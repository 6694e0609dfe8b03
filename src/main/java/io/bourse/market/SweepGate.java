package io.bourse.market;

import io.bourse.market.source.SourceHealth;

/**
 * Decides whether the wall-clock candle sweep may run. The sweep closes ended buckets of symbols that stopped ticking;
 * that is only right when the silence is the market's, not ours. While the source is disconnected, or has delivered
 * nothing for longer than the grace and cannot show that it is caught up (lag unknown or positive), the silence may be
 * an outage whose ticks are still on their way, so the sweep is <em>held</em>: candles then close only by event time,
 * as ticks arrive. The hold is released once the source has been connected and caught up (lag known to be 0) for a
 * whole grace period, so producers that buffered through the same outage have reconnected and delivered too.
 *
 * <p>Plain state machine fed by the sweep timer; not thread-safe (owned by the market-data verticle's context), but
 * {@link #held()} and the counters may be read from anywhere.
 */
public final class SweepGate {
  private final long graceNanos;
  private volatile boolean held;
  private volatile String reason = "";
  private volatile long heldSinceMillis;
  private volatile long holds;
  private long clearSinceNanos = Long.MIN_VALUE;

  public SweepGate(long graceNanos) {
    this.graceNanos = graceNanos;
  }

  /**
   * @param nowNanos  {@link System#nanoTime()}
   * @param nowMillis wall clock, only for reporting when a hold began
   * @return true when the sweep may run now
   */
  public boolean mayRun(SourceHealth h, long nowNanos, long nowMillis) {
    String behind = behindReason(h, nowNanos);
    if (behind != null) {
      if (!held) {
        held = true;
        holds++;
        heldSinceMillis = nowMillis;
      }
      reason = behind;
      clearSinceNanos = Long.MIN_VALUE;
      return false;
    }
    if (!held) return true;
    if (!h.caughtUp()) {
      reason = "source connected, catching up";
      clearSinceNanos = Long.MIN_VALUE;
      return false;
    }
    if (clearSinceNanos == Long.MIN_VALUE) clearSinceNanos = nowNanos;
    if (nowNanos - clearSinceNanos < graceNanos) {
      reason = "source caught up, settling";
      return false;
    }
    held = false;
    reason = "";
    clearSinceNanos = Long.MIN_VALUE;
    return true;
  }

  private String behindReason(SourceHealth h, long nowNanos) {
    if (!h.connected()) return "source disconnected";
    boolean silent = h.lastDeliveryNanos() == Long.MIN_VALUE || nowNanos - h.lastDeliveryNanos() > graceNanos;
    if (silent && h.lag() == SourceHealth.UNKNOWN) return "source silent, lag unknown";
    if (silent && h.lag() > 0) return "source silent with lag " + h.lag();
    return null;
  }

  public boolean held() { return held; }

  public String reason() { return reason; }

  /** Wall-clock millis when the current hold began; meaningless when not held. */
  public long heldSinceMillis() { return heldSinceMillis; }

  /** Holds begun since start. */
  public long holds() { return holds; }
}

package io.bourse.market;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Local-only codec: the trading loop gets the very same immutable {@link Tick}, no copy, no JSON. Ticks never cross
 * nodes on the internal address (each node runs its own market-data verticle), so the wire methods refuse.
 */
public final class TickCodec implements MessageCodec<Tick, Tick> {
  public static final String NAME = "bourse.tick.local";

  @Override public void encodeToWire(Buffer buffer, Tick tick) {
    throw new UnsupportedOperationException("ticks are published locally only");
  }

  @Override public Tick decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("ticks are published locally only");
  }

  @Override public Tick transform(Tick tick) { return tick; }

  @Override public String name() { return NAME; }

  @Override public byte systemCodecID() { return -1; }
}

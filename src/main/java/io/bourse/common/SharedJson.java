package io.bourse.common;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A flat, immutable JSON object for messages published to many local consumers at once: market data on
 * {@code md.tick.*} / {@code md.candle.*}, where every browser subscription is its own bridge consumer.
 *
 * <p>Why: the event bus hands each local consumer its own copy of a body ({@code MessageCodec.transform}), and for a
 * {@link JsonObject} that is a deep copy, made on the <em>publishing</em> event loop. With 1,000 sockets subscribed to
 * a symbol that was 1,000 map copies per tick before any socket was written. This object cannot be changed (its map
 * is unmodifiable and it only holds strings, numbers, booleans and nulls), so its codec ({@link #CODEC_NAME}, chosen
 * with {@link #delivery()}) gives every consumer the same instance. It also carries one derived value per instance
 * (see {@link #derived}), which the bridge uses to encode its frame once per message instead of once per socket.
 *
 * <p>Consumers see an ordinary {@link JsonObject} whose setters throw; {@link #copy()} returns a mutable plain one.
 * ({@code equals}, inherited, compares classes too: a SharedJson equals another with the same content only.)
 */
public final class SharedJson extends JsonObject {
  public static final String CODEC_NAME = "bourse.shared-json";

  /** The derived value and the key it was derived for; replaced as a whole, so readers never see a torn pair. */
  private record Derived(String key, Object value) {}

  private volatile Derived derived;

  private SharedJson(Map<String, Object> map) {
    super(Collections.unmodifiableMap(map));
  }

  /**
   * An immutable snapshot of {@code json}. Only flat objects: a nested object or array could still be changed through
   * a reference a consumer holds, so it is refused.
   */
  public static SharedJson of(JsonObject json) {
    Map<String, Object> copy = new LinkedHashMap<>(json.size() * 2);
    for (Map.Entry<String, Object> e : json.getMap().entrySet()) {
      Object v = e.getValue();
      if (v != null && !(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
        throw new IllegalArgumentException("SharedJson holds scalars only; '" + e.getKey() + "' is a "
            + v.getClass().getSimpleName());
      }
      copy.put(e.getKey(), v);
    }
    return new SharedJson(copy);
  }

  /** Delivery options that select the no-copy codec; a fresh instance (DeliveryOptions are mutable). */
  public static DeliveryOptions delivery() {
    return new DeliveryOptions().setCodecName(CODEC_NAME);
  }

  /**
   * Registers the codec on this Vert.x instance; idempotent, so every verticle that publishes or may receive shared
   * JSON (a clustered node decodes it by name) can call it in its start.
   */
  public static synchronized void register(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // Registered by another verticle of this Vert.x instance.
    }
  }

  /**
   * A value computed from this object for {@code key}, kept with it: callers on several event loops asking for the
   * same key get one computation in the common case (two racing first callers may both compute; the function must be
   * pure, so both results are equal). Only the latest key is kept.
   */
  @SuppressWarnings("unchecked")
  public <T> T derived(String key, Function<SharedJson, T> compute) {
    Derived d = derived;
    if (d != null && d.key.equals(key)) return (T) d.value;
    T value = compute.apply(this);
    derived = new Derived(key, value);
    return value;
  }

  /** Local delivery passes the same instance; across a cluster it travels as JSON text and is frozen again. */
  static final class Codec implements MessageCodec<SharedJson, SharedJson> {
    @Override
    public void encodeToWire(Buffer buffer, SharedJson json) {
      Buffer encoded = json.toBuffer();
      buffer.appendInt(encoded.length());
      buffer.appendBuffer(encoded);
    }

    @Override
    public SharedJson decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return SharedJson.of(new JsonObject(buffer.slice(pos + 4, pos + 4 + length)));
    }

    @Override
    public SharedJson transform(SharedJson json) {
      return json;
    }

    @Override
    public String name() {
      return CODEC_NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}

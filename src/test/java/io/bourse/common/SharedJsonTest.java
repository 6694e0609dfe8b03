package io.bourse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedJsonTest {
  private static JsonObject tick() {
    return new JsonObject().put("symbol", "BTC-USD").put("sequence", 7L).put("price", "100.5").put("open", true)
        .putNull("bid");
  }

  @Test
  void isAnImmutableSnapshot() {
    JsonObject source = tick();
    SharedJson shared = SharedJson.of(source);
    source.put("price", "1");
    assertThat(shared.getString("price")).as("a snapshot, not a view").isEqualTo("100.5");
    assertThatThrownBy(() -> shared.put("price", "2")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> shared.remove("price")).isInstanceOf(UnsupportedOperationException.class);
    JsonObject copy = shared.copy().put("price", "3");
    assertThat(copy.getString("price")).isEqualTo("3");
    assertThat(shared.encode()).isEqualTo(tick().encode());
  }

  @Test
  void refusesNestedValuesThatCouldStillChange() {
    assertThatThrownBy(() -> SharedJson.of(new JsonObject().put("inner", new JsonObject())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inner");
    assertThatThrownBy(() -> SharedJson.of(new JsonObject().put("list", new JsonArray().add(1))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyLocalConsumerGetsTheSameInstance() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SharedJson.register(vertx);
      SharedJson.register(vertx); // idempotent
      List<Object> got = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 3; i++) {
        vertx.eventBus().consumer("shared.test", m -> got.add(m.body())).completion().await(5, TimeUnit.SECONDS);
      }
      SharedJson body = SharedJson.of(tick());
      vertx.eventBus().publish("shared.test", body, SharedJson.delivery());
      long deadline = System.currentTimeMillis() + 5_000;
      while (got.size() < 3 && System.currentTimeMillis() < deadline) Thread.sleep(10);
      assertThat(got).hasSize(3).allSatisfy(b -> assertThat(b).isSameAs(body));
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void travelsAsJsonOverTheWire() {
    SharedJson.Codec codec = new SharedJson.Codec();
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, SharedJson.of(tick()));
    SharedJson back = codec.decodeFromWire(6, wire);
    assertThat(back.encode()).isEqualTo(tick().encode());
    assertThatThrownBy(() -> back.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void derivedValueIsComputedOncePerKey() {
    SharedJson shared = SharedJson.of(tick());
    int[] calls = {0};
    for (int i = 0; i < 5; i++) {
      assertThat(shared.<String>derived("a", s -> "A" + ++calls[0])).isEqualTo("A1");
    }
    assertThat(shared.<String>derived("b", s -> "B" + ++calls[0])).isEqualTo("B2");
    assertThat(calls[0]).isEqualTo(2);
  }
}

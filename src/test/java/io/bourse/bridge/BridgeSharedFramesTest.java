package io.bourse.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.common.SharedJson;
import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Market data is published as {@link SharedJson} (what the market-data verticle does): every subscribed socket gets
 * the frame the bridge would have built, encoded once per message rather than once per socket.
 */
class BridgeSharedFramesTest {
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin());
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  private static void publish(String address, JsonObject body) {
    app.vertx.eventBus().publish(address, SharedJson.of(body), SharedJson.delivery());
  }

  @Test
  void everySocketGetsTheSameFrameEncodedOnce() throws Exception {
    String address = Addresses.mdTick("SHARED1");
    try (BridgeClient a = BridgeClient.connect(app, "/eventbus/websocket");
         BridgeClient b = BridgeClient.connect(app, "/eventbus/websocket")) {
      a.register(address);
      b.register(address);
      // Registration is unacknowledged: probe until both receive.
      boolean aIn = false;
      boolean bIn = false;
      for (int i = 0; i < 100 && !(aIn && bIn); i++) {
        publish(address, new JsonObject().put("probe", i));
        aIn |= a.await(BridgeClient.rec(address), 50) != null;
        bIn |= b.await(BridgeClient.rec(address), 50) != null;
      }
      assertThat(aIn && bIn).as("both registered").isTrue();
      Thread.sleep(200);
      a.frames.clear();
      b.frames.clear();

      JsonObject tick = new JsonObject().put("symbol", "SHARED1").put("sequence", 42L).put("price", "101.25")
          .put("size", "0.5").put("timestamp", "2026-11-23T12:00:00Z");
      SharedJson body = SharedJson.of(tick);
      app.vertx.eventBus().publish(address, body, SharedJson.delivery());
      JsonObject expected = new JsonObject().put("type", "rec").put("address", address).put("body", tick);
      JsonObject fa = a.await(f -> f.getJsonObject("body") != null
          && Long.valueOf(42L).equals(f.getJsonObject("body").getLong("sequence")), 5_000);
      JsonObject fb = b.await(f -> f.getJsonObject("body") != null
          && Long.valueOf(42L).equals(f.getJsonObject("body").getLong("sequence")), 5_000);
      assertThat(fa).isEqualTo(expected);
      assertThat(fb).isEqualTo(expected);
      // The bytes both sockets got were encoded once and kept with the message.
      Buffer kept = body.derived(address, x -> {
        throw new AssertionError("the bridge did not encode this message's frame");
      });
      assertThat(kept.toJsonObject()).isEqualTo(expected);
    }
  }

  @Test
  void theMarketDataVerticlesTicksTakeTheSharedPath() throws Exception {
    // What the simulated feed publishes: a shared body and no headers (a header would put it on the per-message
    // encoding path, and show up in every browser's frames).
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
      c.register(Addresses.mdTick("BTC-USD"));
      JsonObject tick = c.await(BridgeClient.rec(Addresses.mdTick("BTC-USD")), 15_000);
      assertThat(tick).as("a simulated BTC-USD tick").isNotNull();
      assertThat(tick.fieldNames()).containsExactlyInAnyOrder("type", "address", "body");
      assertThat(tick.getJsonObject("body").getString("price")).matches("[0-9]+(\\.[0-9]+)?");
    }
  }

  @Test
  void headersStillGoTheBridgesOwnWay() throws Exception {
    // An envelope with headers is not the plain rec frame: the bridge encodes it itself, headers included.
    String address = Addresses.mdTick("SHARED2");
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
      c.register(address);
      JsonObject got = null;
      for (int i = 0; i < 100 && got == null; i++) {
        app.vertx.eventBus().publish(address, SharedJson.of(new JsonObject().put("n", i)),
            SharedJson.delivery().addHeader("x-note", "kept"));
        got = c.await(BridgeClient.rec(address), 50);
      }
      assertThat(got).isNotNull();
      assertThat(got.getJsonObject("headers").getString("x-note")).isEqualTo("kept");
    }
  }
}

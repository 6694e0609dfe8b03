package io.bourse.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public bridge's fan-out writes one encoding of each message to every subscribed socket: the frame the stock
 * bridge would have built for each of them ({@code type}, {@code address}, {@code body}; headers when the message has
 * any).
 */
class BridgeMarketDataFramesTest {
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
    app.vertx.eventBus().publish(address, body);
  }

  @Test
  void everySocketGetsTheFrameTheBridgeWouldHaveBuilt() throws Exception {
    String address = Addresses.mdTick("FRAMES1");
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

      JsonObject tick = new JsonObject().put("symbol", "FRAMES1").put("sequence", 42L).put("price", "101.25")
          .put("size", "0.5").put("timestamp", "2026-11-23T12:00:00Z");
      publish(address, tick);
      JsonObject expected = new JsonObject().put("type", "rec").put("address", address).put("body", tick);
      JsonObject fa = a.await(f -> f.getJsonObject("body") != null
          && Long.valueOf(42L).equals(f.getJsonObject("body").getLong("sequence")), 5_000);
      JsonObject fb = b.await(f -> f.getJsonObject("body") != null
          && Long.valueOf(42L).equals(f.getJsonObject("body").getLong("sequence")), 5_000);
      assertThat(fa).isEqualTo(expected);
      assertThat(fb).isEqualTo(expected);
    }
  }

  @Test
  void theMarketDataVerticlesTicksCarryNoHeaders() throws Exception {
    // What the simulated feed publishes reaches browsers as the plain rec frame: no internal header (a request id of
    // the market verticle's context, say) leaks into every browser's frames.
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
      c.register(Addresses.mdTick("BTC-USD"));
      JsonObject tick = c.await(BridgeClient.rec(Addresses.mdTick("BTC-USD")), 15_000);
      assertThat(tick).as("a simulated BTC-USD tick").isNotNull();
      assertThat(tick.fieldNames()).containsExactlyInAnyOrder("type", "address", "body");
      assertThat(tick.getJsonObject("body").getString("price")).matches("[0-9]+(\\.[0-9]+)?");
    }
  }

  @Test
  void headersAreCarriedAsTheBridgeCarriesThem() throws Exception {
    String address = Addresses.mdTick("FRAMES2");
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
      c.register(address);
      JsonObject got = null;
      for (int i = 0; i < 100 && got == null; i++) {
        app.vertx.eventBus().publish(address, new JsonObject().put("n", i),
            new io.vertx.core.eventbus.DeliveryOptions().addHeader("x-note", "kept"));
        got = c.await(BridgeClient.rec(address), 50);
      }
      assertThat(got).isNotNull();
      assertThat(got.getJsonObject("headers").getString("x-note")).isEqualTo("kept");
    }
  }
}

package io.bourse.bridge;

import static io.bourse.bridge.BridgeClient.err;
import static io.bourse.bridge.BridgeClient.rec;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public bridge speaks the vertx-eventbus frame protocol itself (node-local fan-out, see MarketDataBridge): the
 * same answers as the stock bridge for malformed frames, sends, duplicates and long addresses; unregistering stops a
 * socket's deliveries without disturbing the other sockets of the address; a silent socket is closed.
 */
class BridgeMarketDataProtocolTest {
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    // A short ping timeout, so the silent-socket case takes a second or two.
    app = TestApp.start(Api.knownAdmin().put("bridge", new JsonObject().put("pingTimeoutMs", 1500)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  private static String errorAfter(BridgeClient c, String frame) throws Exception {
    c.ws.writeTextMessage(frame).await();
    JsonObject e = c.await(err(), 5_000);
    return e == null ? null : e.getString("body");
  }

  @Test
  void malformedFramesSendsAndRepeatsGetTheBridgesErrors() throws Exception {
    Counter denied = app.metrics.registry().find("bourse.bridge.registrations.denied").tag("namespace", "public")
        .counter();
    double deniedBefore = denied.count();
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
      assertThat(errorAfter(c, "not json")).isEqualTo("invalid_json");
      assertThat(errorAfter(c, "[1,2]")).isEqualTo("invalid_json");
      assertThat(errorAfter(c, "{\"address\":\"md.tick.BTC-USD\"}")).isEqualTo("missing_type");
      assertThat(errorAfter(c, "{\"type\":\"register\"}")).isEqualTo("missing_address");
      assertThat(errorAfter(c, "{\"type\":\"subscribe\",\"address\":\"md.tick.BTC-USD\"}")).isEqualTo("invalid_type");
      assertThat(errorAfter(c, "{\"type\":\"send\",\"address\":\"md.tick.BTC-USD\",\"body\":{}}")).isEqualTo("rejected");
      assertThat(errorAfter(c, "{\"type\":\"publish\",\"address\":\"md.tick.BTC-USD\",\"body\":{}}"))
          .isEqualTo("rejected");
      assertThat(errorAfter(c, "{\"type\":\"register\",\"address\":\"md.tick." + "A".repeat(120) + "\"}"))
          .isEqualTo("max_address_length_reached");
      assertThat(errorAfter(c, "{\"type\":\"register\",\"address\":\"md.internal.status\"}")).isEqualTo("access_denied");
      assertThat(errorAfter(c, "{\"type\":\"unregister\",\"address\":\"md.internal.status\"}"))
          .isEqualTo("access_denied");
      c.register("md.tick.BTC-USD");
      assertThat(errorAfter(c, "{\"type\":\"register\",\"address\":\"md.tick.BTC-USD\"}"))
          .isEqualTo("address_already_registered");
    }
    assertThat(denied.count()).as("denied registrations counted").isEqualTo(deniedBefore + 1);
  }

  @Test
  void unregisteringStopsOneSocketOnly() throws Exception {
    String address = Addresses.mdTick("PROTO1");
    try (BridgeClient a = BridgeClient.connect(app, "/eventbus/websocket");
         BridgeClient b = BridgeClient.connect(app, "/eventbus/websocket")) {
      a.register(address);
      a.awaitRegistered(app.vertx.eventBus(), address);
      b.register(address);
      b.awaitRegistered(app.vertx.eventBus(), address);
      a.frames.clear();
      a.ws.writeTextMessage(new JsonObject().put("type", "unregister").put("address", address).encode()).await();
      Thread.sleep(200);
      a.frames.clear();
      app.vertx.eventBus().publish(address, new JsonObject().put("after", "unregister"));
      assertThat(b.await(rec(address), 5_000)).as("the other socket still receives").isNotNull();
      assertThat(a.await(rec(address), 500)).as("the unregistered socket receives nothing").isNull();
      // And it may register again (the slot was freed).
      a.register(address);
      a.awaitRegistered(app.vertx.eventBus(), address);
    }
  }

  @Test
  void aSocketThatStopsPingingIsClosedAndOneThatPingsIsNot() throws Exception {
    try (BridgeClient silent = BridgeClient.connect(app, "/eventbus/websocket");
         BridgeClient pinging = BridgeClient.connect(app, "/eventbus/websocket")) {
      silent.register("md.tick.BTC-USD");
      pinging.register("md.tick.BTC-USD");
      long pinger = app.vertx.setPeriodic(300, id -> pinging.ws.writeTextMessage("{\"type\":\"ping\"}"));
      try {
        assertThat(silent.awaitClose(6_000)).as("closed without pings").isNotNull();
        assertThat(pinging.awaitClose(1_000)).as("kept while pinging").isNull();
      } finally {
        app.vertx.cancelTimer(pinger);
      }
    }
  }
}

package io.bourse.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.support.Api;
import io.bourse.support.Jwts;
import io.bourse.support.TestApp;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading: market data is conflated to the latest message per address (the server holds at most
 * one envelope per registered address), trading events are queued up to the bound and then the socket is closed.
 */
class BridgeBackpressureTest {
  private static final int ADDRESSES = 4;
  private static final int PER_ADDRESS = 600;
  private static final String PADDING = "x".repeat(8 * 1024);

  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin());
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  /** A small receive buffer, so the paused client's kernel buffer does not absorb megabytes first. */
  private static WebSocketClientOptions slowClient() {
    return new WebSocketClientOptions().setReceiveBufferSize(8 * 1024);
  }

  private static double meter(String name) {
    MeterRegistry r = app.metrics.registry();
    var c = r.find(name).tag("namespace", "public").counter();
    if (c != null) return c.count();
    var g = r.find(name).tag("namespace", "public").gauge();
    return g == null ? Double.NaN : g.value();
  }

  @Test
  void slowMarketDataClientIsConflatedToTheLatestPerAddressAndCatchesUp() throws Exception {
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket", slowClient())) {
      for (int a = 0; a < ADDRESSES; a++) {
        c.register(Addresses.mdTick("SLOW" + a));
        c.awaitRegistered(app.vertx.eventBus(), Addresses.mdTick("SLOW" + a));
      }
      c.ws.pause();
      for (int i = 0; i < PER_ADDRESS; i++) {
        for (int a = 0; a < ADDRESSES; a++) {
          app.vertx.eventBus().publish(Addresses.mdTick("SLOW" + a),
              new JsonObject().put("symbol", "SLOW" + a).put("seq", i).put("pad", PADDING));
        }
        if (i % 50 == 0) Thread.sleep(5); // let the event loop interleave, as a live feed would
      }
      long deadline = System.currentTimeMillis() + 10_000;
      while (meter("bourse.bridge.messages.conflated") == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(meter("bourse.bridge.messages.conflated")).as("conflated").isPositive();
      // Bounded: at most one held envelope per registered address, however many were published.
      assertThat(meter("bourse.bridge.held.messages")).isBetween(0.0, (double) ADDRESSES);

      c.ws.resume();
      Map<String, Integer> last = new HashMap<>();
      deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline
          && !(last.size() == ADDRESSES && last.values().stream().allMatch(v -> v == PER_ADDRESS - 1))) {
        JsonObject f = c.await(x -> "rec".equals(x.getString("type")), 500);
        if (f != null) last.merge(f.getString("address"), f.getJsonObject("body").getInteger("seq"), Math::max);
      }
      for (int a = 0; a < ADDRESSES; a++) {
        assertThat(last.get(Addresses.mdTick("SLOW" + a))).as("latest seq of SLOW" + a).isEqualTo(PER_ADDRESS - 1);
      }
      assertThat(meter("bourse.bridge.held.messages")).isZero();
    }
  }

  @Test
  void slowTradingClientIsDisconnectedWhenItsQueueOverflows() throws Exception {
    Api api = new Api(app);
    String token = api.adminToken();
    String orders = Addresses.trading(Jwts.payload(token).getString("tid"), "orders");
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/trading/websocket?access_token=" + token,
        slowClient())) {
      c.register(orders);
      c.awaitRegistered(app.vertx.eventBus(), orders);
      c.ws.pause();
      var slowClosed = app.metrics.registry().find("bourse.bridge.sockets.slow.closed").tag("namespace", "trading")
          .counter();
      long deadline = System.currentTimeMillis() + 20_000;
      for (int i = 0; slowClosed.count() == 0 && System.currentTimeMillis() < deadline; i++) {
        app.vertx.eventBus().publish(orders, new JsonObject().put("seq", i).put("pad", PADDING));
        if (i % 50 == 0) Thread.sleep(5); // publishing is asynchronous: let the event loop keep up
      }
      assertThat(slowClosed.count()).isEqualTo(1.0);
      c.ws.resume();
      assertThat(c.awaitClose(20_000)).isEqualTo((short) BridgeSecurity.CLOSE_SLOW_CONSUMER);
    }
  }
}

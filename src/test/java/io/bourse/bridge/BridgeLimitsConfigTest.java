package io.bourse.bridge;

import static io.bourse.bridge.BridgeClient.err;
import static io.bourse.bridge.BridgeClient.rec;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.BourseConfig;
import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code bridge} config section: parsed with the other sections, refused with the key named, and applied. */
class BridgeLimitsConfigTest {

  private static BourseConfig.Parsed parse(JsonObject bridge) throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/application.json")));
    if (bridge != null) json.put("bridge", bridge);
    return BourseConfig.parse(json);
  }

  @Test
  void bundledDefaultsAreTheCodeDefaults() throws Exception {
    BourseConfig.Parsed parsed = parse(null);
    assertThat(parsed.problems().all()).isEmpty();
    assertThat(parsed.config().bridge()).isEqualTo(BridgeLimits.defaults());
    BourseConfig.Parsed absent = BourseConfig.parse(new JsonObject());
    assertThat(absent.config().bridge()).isEqualTo(BridgeLimits.defaults());
  }

  @Test
  void everyKeyIsRead() throws Exception {
    BourseConfig.Parsed parsed = parse(new JsonObject().put("maxHandlersPerSocket", 5).put("maxAddressLength", 200)
        .put("pingTimeoutMs", "15000").put("registerTimeoutMs", 2000).put("maxHeldPerSocket", 64)
        .put("conflateMarketData", "false").put("heartbeatIntervalMs", 5000).put("sessionTimeoutMs", 7000)
        .put("replyTimeoutMs", 3000));
    assertThat(parsed.problems().all()).isEmpty();
    assertThat(parsed.config().bridge())
        .isEqualTo(new BridgeLimits(5, 200, 15_000, 2000, 64, false, 5000, 7000, 3000));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"maxHandlersPerSocket\": 0}          | bridge.maxHandlersPerSocket: must be between 1 and 1000, got 0",
      "{\"maxHandlersPerSocket\": \"many\"}   | bridge.maxHandlersPerSocket: must be an integer, got 'many'",
      "{\"maxAddressLength\": 40}             | bridge.maxAddressLength: must be between 82 and 1024, got 40",
      "{\"pingTimeoutMs\": 10}                | bridge.pingTimeoutMs: must be between 1000 and 600000, got 10",
      "{\"maxHeldPerSocket\": -1}             | bridge.maxHeldPerSocket: must be between 1 and 100000, got -1",
      "{\"conflateMarketData\": \"sometimes\"} | bridge.conflateMarketData: must be true or false, got 'sometimes'",
      "{\"heartbeatIntervalMs\": 1.5}         | bridge.heartbeatIntervalMs: must be an integer",
      "{\"maxHandlers\": 5}                   | bridge.maxHandlers: unknown key (known: [conflateMarketData, ",
  })
  void badValuesAreReportedWithTheirKey(String bridge, String expected) throws Exception {
    BourseConfig.Parsed parsed = parse(new JsonObject(bridge));
    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.problems().all()).anySatisfy(p -> assertThat(p).startsWith(expected.trim()));
  }

  @Test
  void aBridgeThatIsNotAnObjectIsRefused() throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/application.json"))).put("bridge", 5);
    assertThat(BourseConfig.parse(json).problems().all()).contains("bridge: must be an object");
  }

  /** The configured bounds reach the running bridge: a socket past its handler limit and an idle one. */
  @Test
  void configuredLimitsApplyToTheRunningBridge() throws Exception {
    JsonObject overrides = Api.knownAdmin().put("bridge", new JsonObject()
        .put("maxHandlersPerSocket", 2).put("registerTimeoutMs", 1000));
    try (TestApp app = TestApp.start(overrides)) {
      try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
        c.register("md.tick.BTC-USD");
        c.register("md.tick.ETH-USD");
        c.register("md.tick.SOL-USD");
        JsonObject e = c.await(err(), 5_000);
        assertThat(e).isNotNull();
        assertThat(e.getString("body")).isEqualTo("max_handlers_reached");
        assertThat(c.await(rec("md.tick.BTC-USD"), 15_000)).as("the first two still deliver").isNotNull();
      }
      try (BridgeClient idle = BridgeClient.connect(app, "/eventbus/websocket")) {
        assertThat(idle.awaitClose(5_000)).as("closed after the configured 1 s without a registration")
            .isEqualTo((short) BridgeSecurity.CLOSE_IDLE);
      }
    }
  }
}

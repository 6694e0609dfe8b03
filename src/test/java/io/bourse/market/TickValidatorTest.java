package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.market.Rejection.Reason;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TickValidatorTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  static TickValidator validator;

  @BeforeAll
  static void setUp() throws Exception {
    InstrumentCatalogue cat = InstrumentJson.parseSeed(new JsonObject(Files.readString(Path.of("conf/instruments.json")))).catalogue();
    validator = new TickValidator(cat, 5_000, 3_600_000, () -> NOW);
  }

  static JsonObject good() {
    return new JsonObject().put("symbol", "BTC-USD").put("sequence", 7).put("price", "65000.01").put("size", "0.5")
        .put("bid", "65000.00").put("ask", "65000.02").put("timestamp", "2026-11-23T09:59:59.500Z");
  }

  Reason reject(JsonObject m) {
    TickValidator.Result r = validator.validate(m.getMap(), 0);
    assertThat(r.ok()).as("expected rejection of %s", m).isFalse();
    return r.rejection().reason();
  }

  @Test
  void acceptsAValidTickWithExactDecimals() {
    TickValidator.Result r = validator.validate(good().getMap(), 42);
    assertThat(r.ok()).isTrue();
    Tick t = r.tick();
    assertThat(t.price().toPlainString()).isEqualTo("65000.01");
    assertThat(t.bid().toPlainString()).isEqualTo("65000.00");
    assertThat(t.sequence()).isEqualTo(7);
    assertThat(t.exchangeTime()).isEqualTo(Instant.parse("2026-11-23T09:59:59.500Z"));
    assertThat(t.receivedNanos()).isEqualTo(42);
    // epoch millis are accepted too
    assertThat(validator.validate(good().put("timestamp", NOW.toEpochMilli()).getMap(), 0).tick().exchangeTime()).isEqualTo(NOW);
  }

  @Test
  void schemaProblemsNameTheField() {
    TickValidator.Result r = validator.validate(good().put("price", "abc").getMap(), 0);
    assertThat(r.rejection().reason()).isEqualTo(Reason.SCHEMA);
    assertThat(r.rejection().detail()).startsWith("price:");
    assertThat(reject(good().put("symbol", 5))).isEqualTo(Reason.SCHEMA);
    assertThat(reject(good().put("sequence", -1))).isEqualTo(Reason.SCHEMA);
    assertThat(reject(good().put("sequence", "7"))).isEqualTo(Reason.SCHEMA);
    assertThat(reject(good().putNull("size"))).isEqualTo(Reason.SCHEMA);
    assertThat(reject(good().put("timestamp", "yesterday"))).isEqualTo(Reason.SCHEMA);
    assertThat(validator.validate(null, 0).rejection().reason()).isEqualTo(Reason.SCHEMA);
  }

  @Test
  void nonFiniteAndNonPositivePrices() {
    assertThat(reject(good().put("price", "NaN"))).isEqualTo(Reason.NON_FINITE_PRICE);
    assertThat(reject(good().put("price", "Infinity"))).isEqualTo(Reason.NON_FINITE_PRICE);
    assertThat(reject(good().put("price", Double.POSITIVE_INFINITY))).isEqualTo(Reason.NON_FINITE_PRICE);
    assertThat(reject(good().put("price", "0"))).isEqualTo(Reason.NON_POSITIVE_PRICE);
    assertThat(reject(good().put("price", "-1.5"))).isEqualTo(Reason.NON_POSITIVE_PRICE);
    assertThat(reject(good().put("ask", "0"))).isEqualTo(Reason.NON_POSITIVE_PRICE);
  }

  @Test
  void unknownSymbolAndInsaneTimestamps() {
    assertThat(reject(good().put("symbol", "DOGE-USD"))).isEqualTo(Reason.UNKNOWN_SYMBOL);
    assertThat(reject(good().put("timestamp", "2026-11-23T10:00:05.001Z"))).isEqualTo(Reason.TIMESTAMP_IN_FUTURE);
    assertThat(validator.validate(good().put("timestamp", "2026-11-23T10:00:05Z").getMap(), 0).ok()).isTrue();
    assertThat(reject(good().put("timestamp", "2026-11-23T08:59:59Z"))).isEqualTo(Reason.TIMESTAMP_TOO_OLD);
    // seconds mistaken for millis land in 1970
    assertThat(reject(good().put("timestamp", NOW.getEpochSecond()))).isEqualTo(Reason.TIMESTAMP_TOO_OLD);
  }

  @Test
  void replayModeAcceptsOldTicksButNotPre2000() throws Exception {
    InstrumentCatalogue cat = new InstrumentCatalogue(InstrumentJson.parseSeed(
        new JsonObject(Files.readString(Path.of("conf/instruments.json")))).instruments());
    TickValidator replay = new TickValidator(cat, 5_000, 0, () -> NOW);
    assertThat(replay.validate(good().put("timestamp", "2021-01-04T00:00:00Z").getMap(), 0).ok()).isTrue();
    assertThat(replay.validate(Map.of("symbol", "BTC-USD", "sequence", 1, "price", "1", "size", "1",
        "timestamp", 1_000L), 0).rejection().reason()).isEqualTo(Reason.TIMESTAMP_TOO_OLD);
  }
}

package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.market.Rejection.Reason;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

  // The streaming reader (Kafka hot path) and the map path must accept and reject exactly the same messages.

  static final String GOOD = "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\","
      + "\"bid\":\"65000.00\",\"ask\":\"65000.02\",\"timestamp\":\"2026-11-23T09:59:59.500Z\"}";

  static final List<String> MESSAGES = List.of(
      GOOD,
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":65000.01,\"size\":1,\"timestamp\":1795428000000}",
      "{\"extra\":{\"nested\":[1,2,{\"a\":null}]},\"symbol\":\"ETH-USD\",\"sequence\":8,\"price\":\" 3200.5 \",\"size\":\"2\",\"timestamp\":\"2026-11-23T09:59:59.123456789Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1e3\",\"size\":\"0\",\"timestamp\":\"2026-11-23t09:59:59z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59+00:00\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"2026-02-30T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T24:00:00Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59.Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"yesterday\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T10:00:05.001Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"65000.01\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T08:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"NaN\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"-Infinity\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"abc\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"" + "1".repeat(70) + "\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":{\"v\":1},\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":[1],\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":true,\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"0\",\"size\":\"0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"-0.5\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":null,\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"ask\":\"0\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":-1,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":\"7\",\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7.0,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":99999999999999999999999,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"DOGE-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"  \",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":5,\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"symbol\":\"ETH-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"} trailing",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"",
      " {\n\t\"symbol\" : \"BTC-USD\" ,\r\n \"sequence\":7, \"price\" :\"+5\",\"size\":\".5\",\"timestamp\":\"2026-11-23T09:59:59Z\" } ",
      "{\"symbol\":\"BTC\\u002dUSD\",\"sequence\":7,\"price\":\"5.\",\"size\":\"-0.00\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"sym\\bol\":\"x\",\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"note\":\"caf\u00e9 \\\" quoted\",\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":01,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":1.,\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":1e,\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":-,\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":1e400,\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":12345678901234567890123,\"size\":2.5E-3,\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":4294967296,\"price\":\"1234567890.123456789\",\"size\":\"0.000000000000000000001\",\"timestamp\":\"2026-11-23T09:59:59Z\"}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\",}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":truex}",
      "{\"symbol\":\"BTC-USD\",\"sequence\":7,\"price\":\"1\",\"size\":\"1\",\"timestamp\":\"2026-11-23T09:59:59Z\",\"bid\":false}",
      "[1,2]", "\"just a string\"", "42", "not json", "", "{}", "null");

  static String describe(TickValidator.Result r) {
    if (r.ok()) {
      Tick t = r.tick();
      return "ok " + t.symbol() + " " + t.sequence() + " " + t.price() + " " + t.size() + " " + t.bid() + " " + t.ask()
          + " " + t.exchangeTime() + " " + t.receivedNanos();
    }
    return r.rejection().reason() + ": " + r.rejection().detail();
  }

  static TickValidator.Result viaMap(String json) {
    Map<String, Object> fields;
    try {
      fields = new JsonObject(json).getMap();
    } catch (RuntimeException e) {
      return new TickValidator.Result(null, new Rejection(Rejection.Reason.SCHEMA, "not a JSON object"));
    }
    return validator.validate(fields, 9);
  }

  @Test
  void streamingAndMapPathsAgreeOnEveryMessage() {
    for (String m : MESSAGES) {
      TickValidator.Result fast = validator.validateJson(m.getBytes(StandardCharsets.UTF_8), 9);
      assertThat(describe(fast)).as(m).isEqualTo(describe(viaMap(m)));
    }
    assertThat(validator.validateJson(GOOD.getBytes(StandardCharsets.UTF_8), 9).ok()).isTrue();
    assertThat(validator.validateJson(null, 0).rejection().reason()).isEqualTo(Rejection.Reason.SCHEMA);
    // Invalid UTF-8 is decided like the String path (replacement characters), not by a parse error.
    byte[] bad = GOOD.replace("BTC-USD", "BTC-US?").getBytes(StandardCharsets.UTF_8);
    bad[GOOD.indexOf("BTC-USD") + 6] = (byte) 0xC3;
    assertThat(describe(validator.validateJson(bad, 9))).isEqualTo(describe(viaMap(new String(bad, StandardCharsets.UTF_8))));
  }

  @Test
  void knownSymbolsComeBackAsTheCataloguesOwnStrings() throws Exception {
    InstrumentCatalogue cat = InstrumentJson.parseSeed(new JsonObject(Files.readString(Path.of("conf/instruments.json")))).catalogue();
    TickValidator v = new TickValidator(cat, 5_000, 3_600_000, () -> NOW);
    String own = cat.all().stream().filter(i -> i.symbol().equals("BTC-USD")).findFirst().orElseThrow().symbol();
    assertThat(v.validateJson(GOOD.getBytes(StandardCharsets.UTF_8), 0).tick().symbol()).isSameAs(own);
    for (Instrument i : cat.all()) {
      String m = GOOD.replace("BTC-USD", i.symbol());
      assertThat(v.validateJson(m.getBytes(StandardCharsets.UTF_8), 0).tick().symbol()).isSameAs(i.symbol());
    }
  }
}

package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InstrumentJsonTest {
  @Test
  void seedCoversEveryAssetClassAndMatchesTheBundledCopy() throws Exception {
    String file = Files.readString(Path.of("conf/instruments.json"));
    String bundled;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("instruments.json")) {
      bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(new JsonObject(bundled)).isEqualTo(new JsonObject(file));
    InstrumentJson.Seed seed = InstrumentJson.parseSeed(new JsonObject(file));
    assertThat(seed.instruments()).extracting(Instrument::symbol)
        .contains("BTC-USD", "ETH-USD", "SOL-USD", "USDC-USD", "BUIDL-USD", "AAPL", "MSFT");
    assertThat(seed.instruments()).extracting(Instrument::assetClass).contains(AssetClass.values());
    assertThat(seed.simulation()).containsKeys("BTC-USD", "AAPL");
    Instrument btc = seed.catalogue().find("BTC-USD").orElseThrow();
    assertThat(btc.tickSize()).isEqualByComparingTo("0.01");
    assertThat(btc.session().alwaysOpen()).isTrue();
  }

  @Test
  void roundTripsWithDecimalStrings() throws Exception {
    InstrumentJson.Seed seed = InstrumentJson.parseSeed(new JsonObject(Files.readString(Path.of("conf/instruments.json"))));
    for (Instrument i : seed.instruments()) {
      JsonObject json = InstrumentJson.toJson(i);
      assertThat(json.getValue("tickSize")).isInstanceOf(String.class);
      assertThat(InstrumentJson.fromJson(json)).isEqualTo(i);
    }
    assertThat(InstrumentJson.toJson(seed.catalogue().find("BUIDL-USD").orElseThrow()).getString("assetClass"))
        .isEqualTo("tokenized_treasury");
  }

  @Test
  void badEntriesAreAllReportedWithTheirIndex() {
    JsonObject good = new JsonObject().put("symbol", "X-USD").put("assetClass", "crypto").put("quoteCurrency", "USD")
        .put("tickSize", "0.01").put("lotSize", "1").put("minNotional", "0").put("session", new JsonObject().put("type", "24/7"));
    JsonObject badTick = good.copy().put("symbol", "Y-USD").put("tickSize", "-1");
    JsonObject badClass = good.copy().put("symbol", "Z-USD").put("assetClass", "bond");
    assertThatThrownBy(() -> InstrumentJson.parseSeed(new JsonObject().put("instruments", new JsonArray().add(good).add(badTick).add(badClass))))
        .hasMessageContaining("instruments[1]: tickSize must be positive")
        .hasMessageContaining("instruments[2]: unknown asset class 'bond'");
    assertThatThrownBy(() -> InstrumentJson.parseSeed(new JsonObject().put("instruments", new JsonArray().add(good).add(good))))
        .hasMessageContaining("duplicate instrument X-USD");
  }

  @Test
  void onTickUsesExactDecimals() {
    Instrument i = InstrumentJson.fromJson(new JsonObject().put("symbol", "X").put("assetClass", "equity")
        .put("quoteCurrency", "USD").put("tickSize", "0.05").put("lotSize", "1").put("minNotional", "1")
        .put("session", new JsonObject().put("type", "24/7")));
    assertThat(i.isOnTick(new BigDecimal("10.15"))).isTrue();
    assertThat(i.isOnTick(new BigDecimal("10.17"))).isFalse();
  }
}

package io.bourse.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Instrument seeds for tests. */
public final class Instruments {
  private Instruments() {}

  /**
   * The seeded instruments plus CLOSED-USD, a 24/7-looking market that is shut today, yesterday and tomorrow (UTC
   * holidays), so the session rule can be tested at any hour, and SUSPENDED-USD, open but not tradable.
   */
  public static Path withClosedMarket() throws Exception {
    JsonObject seed = new JsonObject(Files.readString(Path.of("conf/instruments.json")));
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonArray days = new JsonArray();
    for (DayOfWeek d : DayOfWeek.values()) days.add(d.name());
    seed.getJsonArray("instruments").add(new JsonObject().put("symbol", "CLOSED-USD").put("assetClass", "equity")
        .put("quoteCurrency", "USD").put("tickSize", "0.01").put("lotSize", "1").put("minNotional", "1")
        .put("session", new JsonObject().put("type", "exchange").put("timeZone", "UTC").put("open", "00:00")
            .put("close", "23:59").put("days", days).put("holidays", new JsonArray().add(today.minusDays(1).toString())
                .add(today.toString()).add(today.plusDays(1).toString())))
        .put("simulation", new JsonObject().put("startPrice", "100.00").put("annualVolatility", 0.2)));
    seed.getJsonArray("instruments").add(new JsonObject().put("symbol", "SUSPENDED-USD").put("assetClass", "equity")
        .put("quoteCurrency", "USD").put("tickSize", "0.01").put("lotSize", "1").put("minNotional", "1").put("tradable", false)
        .put("session", new JsonObject().put("type", "24/7"))
        .put("simulation", new JsonObject().put("startPrice", "10.00").put("annualVolatility", 0.2)));
    Path file = Files.createTempFile("instruments", ".json");
    Files.writeString(file, seed.encodePrettily());
    return file;
  }
}

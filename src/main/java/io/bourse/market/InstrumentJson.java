package io.bourse.market;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The wire/seed form of instruments (ARCHITECTURE §4 field names; decimals as strings). The seed file may carry a
 * {@code simulation} object per instrument for the simulated feed; it is not part of the public instrument.
 */
public final class InstrumentJson {
  private InstrumentJson() {}

  /** The parsed seed: instruments in file order and the simulation profiles that were given. */
  public record Seed(List<Instrument> instruments, Map<String, SimulationProfile> simulation) {
    public InstrumentCatalogue catalogue() { return new InstrumentCatalogue(instruments); }
  }

  /** Parses the whole seed or fails listing every bad entry, like config validation. */
  public static Seed parseSeed(JsonObject root) {
    JsonArray items = root.getJsonArray("instruments");
    if (items == null || items.isEmpty()) throw new IllegalArgumentException("instruments: required non-empty array");
    List<Instrument> out = new ArrayList<>();
    Map<String, SimulationProfile> sim = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      try {
        JsonObject o = items.getJsonObject(i);
        Instrument inst = fromJson(o);
        out.add(inst);
        JsonObject s = o.getJsonObject("simulation");
        if (s != null) {
          sim.put(inst.symbol(), new SimulationProfile(new BigDecimal(s.getString("startPrice")),
              s.getDouble("annualVolatility", 0.3)));
        }
      } catch (RuntimeException e) {
        problems.add("instruments[" + i + "]: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    new InstrumentCatalogue(out); // rejects duplicate symbols
    return new Seed(List.copyOf(out), Map.copyOf(sim));
  }

  public static Instrument fromJson(JsonObject o) {
    return new Instrument(o.getString("symbol"), AssetClass.parse(o.getString("assetClass")),
        o.getString("quoteCurrency"), dec(o, "tickSize"), dec(o, "lotSize"), dec(o, "minNotional"),
        session(o.getJsonObject("session")), o.getBoolean("tradable", true));
  }

  public static JsonObject toJson(Instrument i) {
    return new JsonObject()
        .put("symbol", i.symbol())
        .put("assetClass", i.assetClass().name().toLowerCase(Locale.ROOT))
        .put("quoteCurrency", i.quoteCurrency())
        .put("tickSize", i.tickSize().toPlainString())
        .put("lotSize", i.lotSize().toPlainString())
        .put("minNotional", i.minNotional().toPlainString())
        .put("tradable", i.tradable())
        .put("session", sessionJson(i.session()));
  }

  public static JsonObject sessionJson(TradingSession s) {
    if (s.alwaysOpen()) return new JsonObject().put("type", "24/7");
    JsonArray days = new JsonArray();
    EnumSet.copyOf(s.days()).forEach(d -> days.add(d.name()));
    JsonArray holidays = new JsonArray();
    s.holidays().stream().sorted().forEach(d -> holidays.add(d.toString()));
    return new JsonObject().put("type", "exchange").put("timeZone", s.zone().getId())
        .put("open", s.open().toString()).put("close", s.close().toString())
        .put("days", days).put("holidays", holidays);
  }

  static TradingSession session(JsonObject s) {
    if (s == null) throw new IllegalArgumentException("session: required");
    String type = s.getString("type", "");
    if (type.equals("24/7")) return TradingSession.ALWAYS;
    if (!type.equals("exchange")) throw new IllegalArgumentException("session.type: must be '24/7' or 'exchange'");
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    JsonArray rawDays = s.getJsonArray("days", new JsonArray().add("MONDAY").add("TUESDAY").add("WEDNESDAY")
        .add("THURSDAY").add("FRIDAY"));
    for (Object d : rawDays) days.add(DayOfWeek.valueOf(String.valueOf(d).toUpperCase(Locale.ROOT)));
    Set<LocalDate> holidays = new HashSet<>();
    for (Object d : s.getJsonArray("holidays", new JsonArray())) holidays.add(LocalDate.parse(String.valueOf(d)));
    return TradingSession.exchange(ZoneId.of(s.getString("timeZone")), LocalTime.parse(s.getString("open")),
        LocalTime.parse(s.getString("close")), days, holidays);
  }

  private static BigDecimal dec(JsonObject o, String key) {
    Object raw = o.getValue(key);
    BigDecimal d = TickValidator.decimal(raw);
    if (d == null) throw new IllegalArgumentException(key + ": required decimal string");
    return d;
  }
}

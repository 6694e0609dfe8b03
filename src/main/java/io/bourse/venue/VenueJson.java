package io.bourse.venue;

import io.bourse.common.IsoInstants;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The paper venue's wire format, shared by the server, the client and the journal. Decimals travel as plain decimal
 * strings ({@code "0.015"}), never JSON numbers; timestamps as ISO-8601 UTC.
 *
 * <p>The request parsers are strict (closed schema, typed fields) and fail with a {@link BourseException} naming the
 * field: {@code ERR_VAL_003} for unknown fields, {@code ERR_VAL_007} for a malformed id, {@code ERR_VAL_002} otherwise.
 */
public final class VenueJson {
  /** Account ids, client order ids and symbols: what every venue accepts, bounded so a journal line stays small. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");
  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9._/\\-]{1,32}");
  private static final Set<String> ORDER_FIELDS = Set.of("accountId", "clientOrderId", "symbol", "side", "type",
      "quantity", "price", "stopPrice", "timeInForce");
  private static final Set<String> PRICE_FIELDS = Set.of("type", "symbol", "price", "at");

  private VenueJson() {}

  // ---- orders -----------------------------------------------------------------------------------------------

  public static JsonObject order(VenueOrder o) {
    return new JsonObject().put("accountId", o.accountId()).put("clientOrderId", o.clientOrderId())
        .put("symbol", o.symbol()).put("side", o.side().name()).put("type", o.type().name())
        .put("quantity", str(o.quantity())).put("price", str(o.price())).put("stopPrice", str(o.stopPrice()))
        .put("timeInForce", o.timeInForce().name());
  }

  /** Parses and validates a submit request body. */
  public static VenueOrder orderFromRequest(JsonObject body) {
    refuseUnknown(body, ORDER_FIELDS);
    String accountId = id(body, "accountId");
    String clientOrderId = id(body, "clientOrderId");
    String symbol = requiredString(body, "symbol");
    if (!SYMBOL.matcher(symbol).matches()) throw invalid(ErrorCode.VAL_IDENTIFIER, "symbol", "must match " + SYMBOL);
    Side side = enumValue(body, "side", Side.class);
    OrderType type = enumValue(body, "type", OrderType.class);
    TimeInForce tif = enumValue(body, "timeInForce", TimeInForce.class);
    BigDecimal quantity = positive(body, "quantity", true);
    BigDecimal price = positive(body, "price", type != OrderType.MARKET);
    BigDecimal stop = positive(body, "stopPrice", type == OrderType.STOP_LIMIT);
    if (type == OrderType.MARKET && price != null) throw schema("price", "must be absent on a MARKET order");
    if (type != OrderType.STOP_LIMIT && stop != null) throw schema("stopPrice", "only a STOP_LIMIT order has one");
    return new VenueOrder(accountId, clientOrderId, symbol, side, type, quantity, price, stop, tif);
  }

  public static JsonObject state(VenueOrderState s) {
    return new JsonObject().put("accountId", s.accountId()).put("clientOrderId", s.clientOrderId())
        .put("venueOrderId", s.venueOrderId()).put("symbol", s.symbol()).put("side", s.side().name())
        .put("type", s.type().name()).put("quantity", str(s.quantity())).put("price", str(s.price()))
        .put("status", s.status().name()).put("filledQuantity", str(s.filledQuantity()))
        .put("averagePrice", str(s.averagePrice())).put("reason", s.reason()).put("updatedAt", time(s.updatedAt()));
  }

  public static VenueOrderState stateFromJson(JsonObject o) {
    return new VenueOrderState(o.getString("accountId"), o.getString("clientOrderId"), o.getString("venueOrderId"),
        o.getString("symbol"), Side.valueOf(o.getString("side")), OrderType.valueOf(o.getString("type")),
        dec(o, "quantity"), dec(o, "price"), VenueOrderStatus.valueOf(o.getString("status")),
        dec(o, "filledQuantity"), dec(o, "averagePrice"), o.getString("reason"), instant(o, "updatedAt"));
  }

  public static List<VenueOrderState> statesFromJson(JsonObject page) {
    List<VenueOrderState> states = new ArrayList<>();
    for (Object item : page.getJsonArray("items", new JsonArray())) states.add(stateFromJson((JsonObject) item));
    return states;
  }

  // ---- executions -------------------------------------------------------------------------------------------

  public static JsonObject execution(VenueExecution e) {
    return new JsonObject().put("sequence", e.sequence()).put("accountId", e.accountId())
        .put("clientOrderId", e.clientOrderId()).put("venueOrderId", e.venueOrderId()).put("kind", e.kind().name())
        .put("executionId", e.executionId()).put("quantity", str(e.quantity())).put("price", str(e.price()))
        .put("fee", str(e.fee())).put("reason", e.reason()).put("at", time(e.at()));
  }

  public static VenueExecution executionFromJson(JsonObject o) {
    return new VenueExecution(o.getLong("sequence"), o.getString("accountId"), o.getString("clientOrderId"),
        o.getString("venueOrderId"), VenueExecution.Kind.valueOf(o.getString("kind")), o.getString("executionId"),
        dec(o, "quantity"), dec(o, "price"), dec(o, "fee"), o.getString("reason"), instant(o, "at"));
  }

  public static JsonObject executionPage(ExecutionPage page) {
    JsonArray items = new JsonArray();
    page.items().forEach(e -> items.add(execution(e)));
    return new JsonObject().put("items", items).put("lastSequence", page.lastSequence()).put("more", page.more());
  }

  public static ExecutionPage executionPageFromJson(JsonObject o) {
    List<VenueExecution> items = new ArrayList<>();
    for (Object item : o.getJsonArray("items", new JsonArray())) items.add(executionFromJson((JsonObject) item));
    return new ExecutionPage(items, o.getLong("lastSequence", 0L), o.getBoolean("more", false));
  }

  // ---- accounts ---------------------------------------------------------------------------------------------

  public static JsonObject account(VenueAccount a) {
    return new JsonObject().put("accountId", a.accountId()).put("positions", decimalMap(a.positions()))
        .put("cash", decimalMap(a.cash())).put("sequence", a.sequence());
  }

  public static VenueAccount accountFromJson(JsonObject o) {
    return new VenueAccount(o.getString("accountId"), decimalMapFrom(o.getJsonObject("positions")),
        decimalMapFrom(o.getJsonObject("cash")), o.getLong("sequence", VenueAccount.UNKNOWN_SEQUENCE));
  }

  // ---- mark prices ------------------------------------------------------------------------------------------

  /** A mark price as sent on the stream: {@code {"type":"price","symbol","price","at"}}. */
  public static JsonObject price(String symbol, BigDecimal price, Instant at) {
    return new JsonObject().put("type", "price").put("symbol", symbol).put("price", str(price)).put("at", time(at));
  }

  public record Mark(String symbol, BigDecimal price, Instant at) {}

  public static Mark priceFromRequest(JsonObject body) {
    refuseUnknown(body, PRICE_FIELDS);
    String symbol = requiredString(body, "symbol");
    if (!SYMBOL.matcher(symbol).matches()) throw invalid(ErrorCode.VAL_IDENTIFIER, "symbol", "must match " + SYMBOL);
    BigDecimal price = positive(body, "price", true);
    Object at = body.getValue("at");
    Instant instant;
    if (at == null) {
      instant = Instant.now();
    } else if (at instanceof String s) {
      try {
        instant = IsoInstants.parse(s);
      } catch (DateTimeParseException e) {
        throw schema("at", "must be an ISO-8601 UTC timestamp");
      }
    } else {
      throw schema("at", "must be an ISO-8601 UTC timestamp string");
    }
    return new Mark(symbol, price, instant);
  }

  // ---- errors -----------------------------------------------------------------------------------------------

  public static JsonObject error(ErrorCode code, String message, JsonArray details) {
    return new JsonObject().put("error", new JsonObject().put("code", code.code()).put("message", message)
        .put("details", details == null ? new JsonArray() : details));
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  static String str(BigDecimal value) { return value == null ? null : value.toPlainString(); }

  static String time(Instant at) { return IsoInstants.format(at); }

  static BigDecimal dec(JsonObject o, String key) {
    String value = o.getString(key);
    return value == null ? null : new BigDecimal(value);
  }

  static Instant instant(JsonObject o, String key) {
    String value = o.getString(key);
    return IsoInstants.parse(value);
  }

  private static JsonObject decimalMap(Map<String, BigDecimal> map) {
    JsonObject o = new JsonObject();
    new TreeMap<>(map).forEach((k, v) -> o.put(k, str(v)));
    return o;
  }

  private static Map<String, BigDecimal> decimalMapFrom(JsonObject o) {
    Map<String, BigDecimal> map = new LinkedHashMap<>();
    if (o != null) o.forEach(e -> map.put(e.getKey(), new BigDecimal((String) e.getValue())));
    return map;
  }

  private static void refuseUnknown(JsonObject body, Set<String> known) {
    Set<String> unknown = new TreeSet<>(body.fieldNames());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      JsonArray details = new JsonArray();
      unknown.forEach(f -> details.add(BourseException.detail(f, "unknown field")));
      throw new BourseException(ErrorCode.VAL_UNKNOWN_FIELD, "unknown fields " + unknown + " (allowed: "
          + new TreeSet<>(known) + ")", details);
    }
  }

  private static String requiredString(JsonObject body, String field) {
    Object raw = body.getValue(field);
    if (raw == null) throw schema(field, "is required");
    if (!(raw instanceof String s)) throw schema(field, "must be a string");
    return s;
  }

  private static String id(JsonObject body, String field) {
    return requireId(field, requiredString(body, field));
  }

  /** An account id or client order id, from a body or a path: 1-64 characters of [A-Za-z0-9._:-]. */
  public static String requireId(String field, String value) {
    if (value == null || !ID.matcher(value).matches()) {
      throw invalid(ErrorCode.VAL_IDENTIFIER, field, "must be 1-64 characters of [A-Za-z0-9._:-]");
    }
    return value;
  }

  private static <E extends Enum<E>> E enumValue(JsonObject body, String field, Class<E> type) {
    String raw = requiredString(body, field);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(raw)) return constant;
    }
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) names.add(constant.name());
    throw schema(field, "must be one of " + names + ", got '" + raw + "'");
  }

  private static BigDecimal positive(JsonObject body, String field, boolean required) {
    Object raw = body.getValue(field);
    if (raw == null) {
      if (required) throw schema(field, "is required");
      return null;
    }
    if (!(raw instanceof String s)) throw schema(field, "must be a decimal string such as \"1.5\", not a JSON " + kind(raw));
    BigDecimal value;
    try {
      value = new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      throw schema(field, "must be a decimal string, got '" + truncate(s) + "'");
    }
    if (value.signum() <= 0) throw schema(field, "must be greater than 0");
    if (value.precision() > 38 || value.scale() > 18 || value.scale() < -18) {
      throw schema(field, "has too many digits (at most 38, 18 after the point)");
    }
    return value;
  }

  private static String kind(Object raw) {
    return raw instanceof Number ? "number" : raw instanceof Boolean ? "boolean" : "value";
  }

  private static String truncate(String s) { return s.length() > 40 ? s.substring(0, 40) + "…" : s; }

  private static BourseException schema(String field, String issue) {
    return invalid(ErrorCode.VAL_SCHEMA, field, issue);
  }

  private static BourseException invalid(ErrorCode code, String field, String issue) {
    return new BourseException(code, field + " " + issue, new JsonArray().add(BourseException.detail(field, issue)));
  }
}

package io.bourse.trading;

import io.bourse.common.IsoInstants;
import io.bourse.trading.domain.Book;
import io.bourse.trading.domain.EntryKind;
import io.bourse.trading.domain.EventSource;
import io.bourse.trading.domain.LedgerEntry;
import io.bourse.trading.domain.Order;
import io.bourse.trading.domain.OrderEvent;
import io.bourse.trading.domain.OrderStatus;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Position;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * The one JSON form of each trading value (ARCHITECTURE §4 names; decimals as strings, instants ISO-8601 UTC), used
 * alike by REST, the bridge and the store, so what a client reads is what was persisted.
 */
public final class TradingJson {
  private TradingJson() {}

  public static JsonObject order(Order o) { return order(o, "id"); }

  /** The order under {@code idField} rather than {@code id}: the stored form (see {@link #toStore}) built directly. */
  static JsonObject order(Order o, String idField) {
    JsonObject json = new JsonObject()
        .put(idField, o.id())
        .put("accountId", o.accountId())
        .put("symbol", o.symbol())
        .put("side", o.side().name())
        .put("type", o.type().name())
        .put("quantity", plain(o.quantity()))
        .put("price", plain(o.price()))
        .put("stopPrice", plain(o.stopPrice()))
        .put("timeInForce", o.timeInForce().name())
        // The client's own reference if it gave one; the id sent to the venue is always venueClientOrderId.
        .put("clientOrderId", o.clientReference() != null ? o.clientReference() : o.clientOrderId())
        .put("venueClientOrderId", o.clientOrderId())
        .put("status", o.status().name())
        .put("filledQuantity", plain(o.filledQuantity()))
        .put("averagePrice", plain(o.averagePrice()))
        .put("feesPaid", plain(o.feesPaid()))
        .put("createdAt", IsoInstants.format(o.createdAt()))
        .put("updatedAt", IsoInstants.format(o.updatedAt()));
    if (o.profileId() != null) json.put("profileId", o.profileId());
    return json;
  }

  public static Order orderFrom(JsonObject j) {
    // Documents written before venueClientOrderId existed hold the venue's id as clientOrderId.
    String shown = j.getString("clientOrderId");
    String venueId = j.getString("venueClientOrderId", shown);
    return new Order(j.getString("id", j.getString("orderId")), j.getString("accountId"), j.getString("profileId"), j.getString("symbol"),
        Side.valueOf(j.getString("side")), OrderType.valueOf(j.getString("type")), dec(j, "quantity"),
        dec(j, "price"), dec(j, "stopPrice"), TimeInForce.valueOf(j.getString("timeInForce")),
        venueId, OrderStatus.valueOf(j.getString("status")), dec(j, "filledQuantity"),
        dec(j, "averagePrice"), dec(j, "feesPaid"), IsoInstants.parse(j.getString("createdAt")),
        IsoInstants.parse(j.getString("updatedAt")), venueId.equals(shown) ? null : shown);
  }

  public static JsonObject event(OrderEvent e) {
    return new JsonObject()
        .put("orderId", e.orderId())
        .put("sequence", e.sequence())
        .put("from", e.from() == null ? null : e.from().name())
        .put("to", e.to().name())
        .put("source", e.source().name())
        .put("reason", e.reason())
        .put("executionId", e.executionId())
        .put("fillQuantity", plain(e.fillQuantity()))
        .put("fillPrice", plain(e.fillPrice()))
        .put("at", IsoInstants.format(e.at()));
  }

  public static OrderEvent eventFrom(JsonObject j) {
    String from = j.getString("from");
    return new OrderEvent(j.getString("orderId"), j.getLong("sequence"), from == null ? null : OrderStatus.valueOf(from),
        OrderStatus.valueOf(j.getString("to")), EventSource.valueOf(j.getString("source")), j.getString("reason"),
        j.getString("executionId"), dec(j, "fillQuantity"), dec(j, "fillPrice"), IsoInstants.parse(j.getString("at")));
  }

  /** A fill as clients see it: the execution, the order it belongs to and what it cost. */
  public static JsonObject fill(Order order, OrderEvent e, BigDecimal fee) {
    return new JsonObject()
        .put("executionId", e.executionId())
        .put("orderId", order.id())
        .put("accountId", order.accountId())
        .put("symbol", order.symbol())
        .put("side", order.side().name())
        .put("quantity", plain(e.fillQuantity()))
        .put("price", plain(e.fillPrice()))
        .put("fee", plain(fee))
        .put("createdAt", IsoInstants.format(e.at()));
  }

  public static JsonObject position(Position p, BigDecimal markPrice) {
    return new JsonObject()
        .put("accountId", p.accountId())
        .put("symbol", p.symbol())
        .put("quantity", plain(p.quantity()))
        .put("averagePrice", plain(p.averagePrice()))
        .put("realizedPnl", plain(p.realizedPnl()))
        .put("unrealizedPnl", markPrice == null ? null : plain(p.unrealizedPnl(markPrice)))
        .put("markPrice", plain(markPrice));
  }

  public static Position positionFrom(JsonObject j) {
    return new Position(j.getString("accountId"), j.getString("symbol"), dec(j, "quantity"), dec(j, "averagePrice"),
        dec(j, "realizedPnl"));
  }

  public static JsonObject ledgerEntry(LedgerEntry e, long number) {
    return new JsonObject()
        .put("id", e.id())
        .put("number", number)
        .put("postingId", e.postingId())
        .put("accountId", e.accountId())
        .put("currency", e.currency())
        .put("book", e.book().name())
        .put("amount", plain(e.amount()))
        .put("kind", e.kind().name())
        .put("orderId", e.orderId())
        .put("createdAt", IsoInstants.format(e.createdAt()));
  }

  public static LedgerEntry ledgerEntryFrom(JsonObject j) {
    return new LedgerEntry(j.getString("id", j.getString("entryId")), j.getString("postingId"), j.getString("accountId"),
        j.getString("currency"), Book.valueOf(j.getString("book")), dec(j, "amount"), EntryKind.valueOf(j.getString("kind")),
        j.getString("orderId"), IsoInstants.parse(j.getString("createdAt")));
  }

  /** Risk limits as JSON: only the limits that are set, decimals as strings, the data age in milliseconds. */
  public static JsonObject limits(io.bourse.trading.domain.risk.RiskLimits l) {
    JsonObject json = new JsonObject();
    if (l == null) return json;
    if (l.maxOrderNotional() != null) json.put("maxOrderNotional", plain(l.maxOrderNotional()));
    if (l.maxPositionQuantity() != null) json.put("maxPositionQuantity", plain(l.maxPositionQuantity()));
    if (l.priceBandFraction() != null) json.put("priceBandFraction", plain(l.priceBandFraction()));
    if (l.maxOpenOrders() != null) json.put("maxOpenOrders", l.maxOpenOrders());
    if (l.maxOrdersPerMinute() != null) json.put("maxOrdersPerMinute", l.maxOrdersPerMinute());
    if (l.dailyLossLimit() != null) json.put("dailyLossLimit", plain(l.dailyLossLimit()));
    if (l.maxMarketDataAge() != null) json.put("maxMarketDataAgeMs", l.maxMarketDataAge().toMillis());
    return json;
  }

  /** Reads what {@link #limits} wrote, or a request body the contract has checked (absent or null: not set). */
  public static io.bourse.trading.domain.risk.RiskLimits limitsFrom(JsonObject json) {
    if (json == null) return io.bourse.trading.domain.risk.RiskLimits.UNLIMITED;
    Long age = json.getLong("maxMarketDataAgeMs");
    return new io.bourse.trading.domain.risk.RiskLimits(dec(json, "maxOrderNotional"), dec(json, "maxPositionQuantity"),
        dec(json, "priceBandFraction"), json.getInteger("maxOpenOrders"), json.getInteger("maxOrdersPerMinute"),
        dec(json, "dailyLossLimit"), age == null ? null : java.time.Duration.ofMillis(age));
  }

  /**
   * The store reserves the body field {@code id}: stored forms keep the value under {@code idField} instead, and
   * {@link #fromStore} puts it back, so REST shows the same shape as the bridge.
   */
  public static JsonObject toStore(JsonObject api, String idField) {
    JsonObject stored = api.copy();
    Object id = stored.remove("id");
    if (id != null) stored.put(idField, id);
    return stored;
  }

  public static JsonObject fromStore(JsonObject stored, String idField, String... internal) {
    JsonObject api = new JsonObject().put("id", stored.getValue(idField));
    stored.forEach(e -> {
      if (!e.getKey().equals(idField)) api.put(e.getKey(), e.getValue());
    });
    api.remove(TradingStore.DOC_TYPE);
    for (String key : internal) api.remove(key);
    return api;
  }

  /**
   * The value without trailing fractional zeros, as {@code stripTrailingZeros().toPlainString()} writes it, but by
   * trimming the plain string: stripping builds a second BigDecimal by repeated division, and every order writes a
   * few dozen decimals.
   */
  public static String plain(BigDecimal value) {
    if (value == null) return null;
    String text = value.toPlainString();
    if (value.scale() <= 0) return text;
    int end = text.length();
    while (text.charAt(end - 1) == '0') end--;
    if (text.charAt(end - 1) == '.') end--;
    return end == text.length() ? text : text.substring(0, end);
  }

  public static BigDecimal dec(JsonObject j, String key) {
    String value = j.getString(key);
    return value == null ? null : new BigDecimal(value);
  }
}

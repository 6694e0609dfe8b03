package io.bourse.trading;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.market.Instrument;
import io.bourse.market.InstrumentCatalogue;
import io.bourse.market.InstrumentJson;
import io.bourse.market.MarketDataVerticle;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.trading.domain.EventSource;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.PlaceOrder;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.bourse.trading.domain.risk.TradingControl;
import io.bourse.trading.domain.risk.TradingState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading the trading inputs that live elsewhere (instruments, control state) and turning commands into domain values. */
final class TradingQueries {
  static final String CONTROL_DOC = "control";

  private TradingQueries() {}

  /** The instrument catalogue as market data seeded it into the store. */
  static Future<InstrumentCatalogue> loadCatalogue(DocumentStore store) {
    List<Instrument> out = new ArrayList<>();
    return instrumentsPage(store, null, out).map(v -> new InstrumentCatalogue(out));
  }

  private static Future<Void> instrumentsPage(DocumentStore store, String continuation, List<Instrument> out) {
    return store.query(MarketDataVerticle.INSTRUMENTS_CONTAINER, Query.in(MarketDataVerticle.INSTRUMENTS_PARTITION)
        .limit(1000).continuation(continuation).build()).compose(page -> {
          page.items().forEach(d -> out.add(InstrumentJson.fromJson(d.body())));
          return page.continuation() == null ? Future.succeededFuture() : instrumentsPage(store, page.continuation(), out);
        });
  }

  static Future<TradingControl> loadControl(TradingStore store) {
    return store.read(TradingStore.CONTROL, CONTROL_DOC)
        .map(doc -> doc == null ? TradingControl.ALL_ACTIVE : controlFrom(doc.body()));
  }

  static TradingControl controlFrom(JsonObject json) {
    Map<String, TradingState> profiles = new HashMap<>();
    json.getJsonObject("profiles", new JsonObject()).forEach(e -> profiles.put(e.getKey(), TradingState.valueOf((String) e.getValue())));
    Map<String, TradingState> accounts = new HashMap<>();
    json.getJsonObject("accounts", new JsonObject()).forEach(e -> accounts.put(e.getKey(), TradingState.valueOf((String) e.getValue())));
    return new TradingControl(TradingState.valueOf(json.getString("state", "ACTIVE")), profiles, accounts);
  }

  static JsonObject controlJson(TradingControl control) {
    JsonObject profiles = new JsonObject();
    control.byProfile().forEach((id, state) -> profiles.put(id, state.name()));
    JsonObject accounts = new JsonObject();
    control.byAccount().forEach((id, state) -> accounts.put(id, state.name()));
    return new JsonObject().put("state", control.global().name())
        .put("globalTradingEnabled", control.global() != TradingState.HALTED)
        .put("profiles", profiles).put("accounts", accounts);
  }

  /** A REST order body (already schema-valid) as the domain command; shape errors become ERR_VAL_002 naming the field. */
  static PlaceOrder placeOrder(String accountId, JsonObject cmd, EventSource source) {
    OrderType type = OrderType.valueOf(cmd.getString("type"));
    TimeInForce tif = cmd.getString("timeInForce") != null ? TimeInForce.valueOf(cmd.getString("timeInForce"))
        : type == OrderType.MARKET ? TimeInForce.IOC : TimeInForce.GTC;
    try {
      return new PlaceOrder(accountId, cmd.getString("profileId"), cmd.getString("symbol"),
          Side.valueOf(cmd.getString("side")), type, decimal(cmd, "quantity"), decimal(cmd, "price"),
          decimal(cmd, "stopPrice"), tif, cmd.getString("idempotencyKey"), source, cmd.getString("clientOrderId"));
    } catch (IllegalArgumentException | NullPointerException e) {
      String field = e.getMessage() == null ? "body" : e.getMessage().split(" ")[0];
      throw new BourseException(ErrorCode.VAL_SCHEMA, "Invalid order: " + e.getMessage(),
          new JsonArray().add(BourseException.detail(field, String.valueOf(e.getMessage()))));
    }
  }

  private static BigDecimal decimal(JsonObject cmd, String key) {
    String value = cmd.getString(key);
    return value == null ? null : new BigDecimal(value);
  }
}

package io.bourse.market;

import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.http.ApiArea;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * REST for market data: the instrument catalogue straight from the store (cursor = the store's continuation), tickers
 * and candles from the market verticle over the event bus. The contract has already validated types and ranges; what
 * only code can check (a reversed range) is checked here.
 */
public final class MarketArea implements ApiArea {
  private static final DeliveryOptions QUERY = new DeliveryOptions().setSendTimeout(5_000);

  private final Vertx vertx;
  private final DocumentStore store;

  public MarketArea(Vertx vertx, DocumentStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  @Override
  public void mount(RouterBuilder builder) {
    builder.getRoute("listInstruments").addHandler(this::listInstruments);
    builder.getRoute("getInstrument").addHandler(this::getInstrument);
    builder.getRoute("getTicker").addHandler(this::getTicker);
    builder.getRoute("getCandles").addHandler(this::getCandles);
  }

  private void listInstruments(RoutingContext ctx) {
    Query.Builder query = Query.in(MarketDataVerticle.INSTRUMENTS_PARTITION)
        .orderBy("symbol", false)
        .limit(intParam(ctx, "limit", 50))
        .continuation(ctx.queryParams().get("cursor"));
    String assetClass = ctx.queryParams().get("assetClass");
    if (assetClass != null) query.eq("assetClass", assetClass);
    store.query(MarketDataVerticle.INSTRUMENTS_CONTAINER, query.build()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause() instanceof StoreException se && se.kind() == StoreException.Kind.INVALID_QUERY
            ? new BourseException(ErrorCode.VAL_PARAMETER, "cursor is not valid for this query",
                new JsonArray().add(BourseException.detail("cursor", "invalid or tampered")))
            : ar.cause());
        return;
      }
      JsonArray items = new JsonArray();
      ar.result().items().forEach(d -> items.add(d.body()));
      JsonObject page = new JsonObject().put("items", items);
      if (ar.result().continuation() != null) page.put("nextCursor", ar.result().continuation());
      ctx.json(page);
    });
  }

  private void getInstrument(RoutingContext ctx) {
    String symbol = ctx.pathParam("symbol");
    store.read(MarketDataVerticle.INSTRUMENTS_CONTAINER, MarketDataVerticle.INSTRUMENTS_PARTITION, symbol)
        .onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
          } else if (ar.result() == null) {
            ctx.fail(unknownInstrument(symbol));
          } else {
            Document d = ar.result();
            ctx.json(d.body());
          }
        });
  }

  private void getTicker(RoutingContext ctx) {
    String symbol = ctx.pathParam("symbol");
    vertx.eventBus().<JsonObject>request(Addresses.MD_QUERY_TICKER, new JsonObject().put("symbol", symbol), QUERY)
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(ctx::fail);
  }

  private void getCandles(RoutingContext ctx) {
    String symbol = ctx.pathParam("symbol");
    String interval = ctx.queryParams().get("interval");
    int limit = intParam(ctx, "limit", 100);
    long intervalMs = Interval.parse(interval).orElseThrow().millis();
    Instant to = instantParam(ctx, "to", Instant.now().plusMillis(intervalMs));
    Instant from = instantParam(ctx, "from", to.minusMillis(intervalMs * limit));
    if (!from.isBefore(to)) {
      ctx.fail(invalidRange("from", "must be before 'to'"));
      return;
    }
    JsonObject request = new JsonObject().put("symbol", symbol).put("interval", interval)
        .put("fromMs", from.toEpochMilli()).put("toMs", to.toEpochMilli()).put("limit", limit);
    vertx.eventBus().<JsonObject>request(Addresses.MD_QUERY_CANDLES, request, QUERY)
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(ctx::fail);
  }

  private static BourseException invalidRange(String field, String issue) {
    return new BourseException(ErrorCode.VAL_PARAMETER, field + " " + issue,
        new JsonArray().add(BourseException.detail(field, issue)));
  }

  private static BourseException unknownInstrument(String symbol) {
    return new BourseException(ErrorCode.NOT_FOUND_INSTRUMENT, "Unknown instrument " + symbol);
  }

  private static int intParam(RoutingContext ctx, String name, int def) {
    String raw = ctx.queryParams().get(name);
    return raw == null ? def : Integer.parseInt(raw); // the contract has validated it is an integer in range
  }

  private static Instant instantParam(RoutingContext ctx, String name, Instant def) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) return def;
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw invalidRange(name, "must be an ISO-8601 instant such as 2026-01-02T03:04:05Z");
    }
  }
}

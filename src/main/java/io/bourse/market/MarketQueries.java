package io.bourse.market;

import io.bourse.common.Addresses;
import io.bourse.common.ErrorCode;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Answers the read APIs from inside the market verticle, where the cache and the still-open candles live: REST
 * handlers ask over the event bus (which also reaches the owner on another node) instead of sharing objects.
 * Failures carry the catalogue code as the message, so the HTTP layer maps them unchanged.
 */
final class MarketQueries {
  private final InstrumentCatalogue catalogue;
  private final MarketCache cache;
  private final CandleAggregator aggregator;
  private final DocumentStore store;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  MarketQueries(InstrumentCatalogue catalogue, MarketCache cache, CandleAggregator aggregator, DocumentStore store) {
    this.catalogue = catalogue;
    this.cache = cache;
    this.aggregator = aggregator;
    this.store = store;
  }

  void register(EventBus bus) {
    consumers.add(bus.consumer(Addresses.MD_QUERY_TICKER, this::ticker));
    consumers.add(bus.consumer(Addresses.MD_QUERY_CANDLES, this::candles));
  }

  Future<Void> unregister() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** Request {@code {"symbol"}}; reply: the latest tick as JSON, plus whether the symbol is open for trading now. */
  private void ticker(Message<JsonObject> msg) {
    String symbol = msg.body().getString("symbol");
    Instrument instrument = catalogue.find(symbol).orElse(null);
    if (instrument == null) {
      msg.fail(404, ErrorCode.NOT_FOUND_INSTRUMENT.code());
      return;
    }
    Instant now = Instant.now();
    boolean open = instrument.session().isOpen(now);
    cache.latestTick(symbol).compose(tick -> tick != null
        ? Future.succeededFuture(MarketJson.tick(tick).put("source", "tick"))
        : lastClose(symbol)).onComplete(ar -> {
          if (ar.failed()) {
            msg.fail(503, ErrorCode.DEP_UNAVAILABLE.code());
          } else if (ar.result() == null) {
            msg.fail(404, ErrorCode.NOT_FOUND_RESOURCE.code() + " No trade in " + symbol + " yet"
                + (open ? "" : "; its market is closed until " + instrument.session().nextOpen(now)));
          } else {
            msg.reply(ar.result().put("marketOpen", open));
          }
        });
  }

  /**
   * With no tick in the cache (a market closed since before this process started, or a cache that expired it): the
   * last trade price Bourse recorded, which is the close of the newest stored one-minute candle.
   */
  private Future<JsonObject> lastClose(String symbol) {
    if (store == null) return Future.succeededFuture(null);
    Query query = Query.in(CandleWriter.partitionKey(symbol, Interval.M1)).orderBy("openTimeMs", true).limit(1).build();
    return store.query(CandleWriter.CONTAINER, query).map(page -> {
      if (page.items().isEmpty()) return null;
      Candle last = MarketJson.candleFromJson(page.items().get(0).body());
      return new JsonObject().put("symbol", symbol).put("price", last.close().toPlainString())
          .put("timestamp", last.closeTime().toString()).put("source", "lastCandle");
    });
  }

  /**
   * Request {@code {"symbol","interval","fromMs","toMs","limit"}} (validated by the caller); reply
   * {@code {"items":[...]}}: candles with openTime in [from, to), oldest first, at most limit (the newest ones when
   * more match), the still-open candle last with {@code "closed": false}. Closed candles come from the cache when it
   * covers the range, from the store otherwise.
   */
  private void candles(Message<JsonObject> msg) {
    JsonObject q = msg.body();
    String symbol = q.getString("symbol");
    if (catalogue.find(symbol).isEmpty()) {
      msg.fail(404, ErrorCode.NOT_FOUND_INSTRUMENT.code());
      return;
    }
    Interval interval = Interval.parse(q.getString("interval")).orElse(null);
    if (interval == null) {
      msg.fail(400, ErrorCode.VAL_PARAMETER.code());
      return;
    }
    long from = q.getLong("fromMs");
    long to = q.getLong("toMs");
    int limit = q.getInteger("limit");
    Candle open = aggregator.current(symbol, interval);
    boolean openInRange = open != null && open.openTime().toEpochMilli() >= from && open.openTime().toEpochMilli() < to;
    int closedWanted = openInRange ? limit - 1 : limit;

    closedCandles(symbol, interval, from, to, closedWanted).onComplete(ar -> {
      if (ar.failed()) {
        msg.fail(503, ErrorCode.DEP_UNAVAILABLE.code());
        return;
      }
      JsonArray items = new JsonArray();
      ar.result().forEach(c -> items.add(MarketJson.candle(c).put("closed", true)));
      if (openInRange && limit > 0) items.add(MarketJson.candle(open).put("closed", false));
      msg.reply(new JsonObject().put("items", items));
    });
  }

  private Future<List<Candle>> closedCandles(String symbol, Interval interval, long from, long to, int limit) {
    if (limit <= 0) return Future.succeededFuture(List.of());
    return cache.recentCandles(symbol, interval, limit).compose(cached -> {
      List<Candle> inRange = cached.stream()
          .filter(c -> c.openTime().toEpochMilli() >= from && c.openTime().toEpochMilli() < to)
          .sorted(Comparator.comparing(Candle::openTime)).toList();
      boolean cacheCovers = !cached.isEmpty()
          && (inRange.size() >= limit || cached.stream().anyMatch(c -> c.openTime().toEpochMilli() <= from));
      if (cacheCovers || store == null) {
        return Future.succeededFuture(inRange.subList(Math.max(0, inRange.size() - limit), inRange.size()));
      }
      Query query = Query.in(CandleWriter.partitionKey(symbol, interval))
          .where("openTimeMs", Query.Op.GTE, from)
          .where("openTimeMs", Query.Op.LT, to)
          .orderBy("openTimeMs", true)
          .limit(limit)
          .build();
      return store.query(CandleWriter.CONTAINER, query).map(page -> {
        List<Candle> newestFirst = new ArrayList<>();
        page.items().forEach(d -> newestFirst.add(MarketJson.candleFromJson(d.body())));
        newestFirst.sort(Comparator.comparing(Candle::openTime));
        return newestFirst;
      });
    });
  }
}

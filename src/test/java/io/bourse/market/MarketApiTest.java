package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Market REST on the running service, fed by the built-in simulated market. */
class MarketApiTest {
  private static TestApp app;
  private static Api api;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin().put("market", new JsonObject()
        .put("instrumentsFile", io.bourse.support.Instruments.withClosedMarket().toString())
        .put("simulated", new JsonObject().put("ticksPerSecond", 200))));
    api = new Api(app);
    token = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static HttpResponse<Buffer> get(String path) {
    return path.startsWith("/api/") ? api.get(path, token) : app.client.get(path).send().await();
  }

  @Test
  void marketDataNeedsAnAccessToken() {
    error(api.get("/api/v1/market/instruments", null), 401, "ERR_AUTH_002");
    error(api.get("/api/v1/market/tickers/BTC-USD", "not-a-jwt"), 401, "ERR_AUTH_001");
  }

  private static JsonObject error(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    return error;
  }

  private static JsonObject awaitTicker(String symbol) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<Buffer> r = get("/api/v1/market/tickers/" + symbol);
      if (r.statusCode() == 200) return r.bodyAsJsonObject();
      Thread.sleep(100);
    }
    throw new AssertionError("no ticker for " + symbol);
  }

  @Test
  void aClosedMarketsTickerIsItsLastRecordedCloseOrAClearNotFound() throws Exception {
    // CLOSED-USD's market has been shut since before start: no tick, no candle.
    JsonObject error = error(get("/api/v1/market/tickers/CLOSED-USD"), 404, "ERR_NOT_FOUND_002");
    assertThat(error.getString("message")).contains("No trade in CLOSED-USD").contains("closed until");

    // A one-minute candle recorded before (a previous run): its close is the last trade price.
    Instant openTime = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    Candle candle = new Candle("CLOSED-USD", Interval.M1, openTime, new java.math.BigDecimal("100.00"),
        new java.math.BigDecimal("102.00"), new java.math.BigDecimal("99.50"), new java.math.BigDecimal("101.50"),
        new java.math.BigDecimal("7"), 3);
    app.app.store().upsert(CandleWriter.CONTAINER, io.bourse.store.Document.of(
        CandleWriter.partitionKey("CLOSED-USD", Interval.M1), Long.toString(openTime.toEpochMilli()),
        MarketJson.candle(candle))).await();
    JsonObject ticker = get("/api/v1/market/tickers/CLOSED-USD").bodyAsJsonObject();
    assertThat(ticker.getString("price")).isEqualTo("101.50");
    assertThat(ticker.getString("source")).isEqualTo("lastCandle");
    assertThat(ticker.getBoolean("marketOpen")).isFalse();
    assertThat(Instant.parse(ticker.getString("timestamp"))).isEqualTo(candle.closeTime());

    // A live market's ticker is its latest tick.
    assertThat(awaitTicker("BTC-USD").getString("source")).isEqualTo("tick");
  }

  @Test
  void instrumentsPageThroughTheWholeCatalogueWithoutGapsOrRepeats() {
    List<String> symbols = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> page = get("/api/v1/market/instruments?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.statusCode()).isEqualTo(200);
      JsonArray items = page.bodyAsJsonObject().getJsonArray("items");
      assertThat(items.size()).isLessThanOrEqualTo(3);
      items.forEach(i -> symbols.add(((JsonObject) i).getString("symbol")));
      cursor = page.bodyAsJsonObject().getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 20);
    assertThat(symbols).doesNotHaveDuplicates().contains("BTC-USD", "ETH-USD", "USDC-USD", "AAPL").isSorted();
    assertThat(pages).isGreaterThan(1);
  }

  @Test
  void instrumentsFilterByAssetClassAndUseDecimalStrings() {
    JsonArray items = get("/api/v1/market/instruments?assetClass=equity&limit=50").bodyAsJsonObject()
        .getJsonArray("items");
    assertThat(items).isNotEmpty();
    items.forEach(i -> assertThat(((JsonObject) i).getString("assetClass")).isEqualTo("equity"));

    JsonObject btc = get("/api/v1/market/instruments/BTC-USD").bodyAsJsonObject();
    assertThat(btc.getString("symbol")).isEqualTo("BTC-USD");
    assertThat(btc.getValue("tickSize")).isInstanceOf(String.class);
    assertThat(btc.getJsonObject("session").getString("type")).isEqualTo("24/7");
  }

  @Test
  void badInstrumentRequestsAreClearErrors() {
    error(get("/api/v1/market/instruments/NOPE-USD"), 404, "ERR_NOT_FOUND_003");
    error(get("/api/v1/market/instruments/lower-case"), 400, "ERR_VAL_004");
    error(get("/api/v1/market/instruments?assetClass=beanie-babies"), 400, "ERR_VAL_004");
    error(get("/api/v1/market/instruments?limit=1000"), 400, "ERR_VAL_004");
    JsonObject tampered = error(get("/api/v1/market/instruments?cursor=AAAA"), 400, "ERR_VAL_004");
    assertThat(tampered.getJsonArray("details").encode()).contains("cursor");
  }

  @Test
  void tickerShowsTheLatestSimulatedPrice() throws Exception {
    JsonObject first = awaitTicker("BTC-USD");
    assertThat(first.getString("price")).matches("\\d+(\\.\\d+)?");
    assertThat(Instant.parse(first.getString("timestamp"))).isAfter(Instant.now().minusSeconds(30));
    long firstSequence = first.getLong("sequence");
    Thread.sleep(500);
    assertThat(awaitTicker("BTC-USD").getLong("sequence")).as("the price keeps moving").isGreaterThan(firstSequence);
    error(get("/api/v1/market/tickers/NOPE-USD"), 404, "ERR_NOT_FOUND_003");
  }

  private static JsonArray candles(String symbol, String interval) {
    HttpResponse<Buffer> response = get("/api/v1/market/candles/" + symbol + "?interval=" + interval + "&limit=10");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("items");
  }

  /**
   * The open candle grows between two reads. When a minute boundary falls between them, the first read's open candle
   * must now be the newest closed one, with at least what it had then, and a later candle is open: both cases assert.
   */
  @Test
  void candlesGrowAndIncludeTheOpenCandle() throws Exception {
    awaitTicker("ETH-USD");
    JsonArray items = candles("ETH-USD", "1m");
    assertThat(items).isNotEmpty();
    JsonObject open = items.getJsonObject(items.size() - 1);
    assertThat(open.getBoolean("closed")).isFalse();
    assertThat(open.getString("interval")).isEqualTo("1m");
    assertThat(new java.math.BigDecimal(open.getString("high")))
        .isGreaterThanOrEqualTo(new java.math.BigDecimal(open.getString("low")));
    long trades = open.getLong("trades");
    Thread.sleep(400);
    JsonArray later = candles("ETH-USD", "1m");
    JsonObject laterOpen = later.getJsonObject(later.size() - 1);
    assertThat(laterOpen.getBoolean("closed")).isFalse();
    if (laterOpen.getString("openTime").equals(open.getString("openTime"))) {
      assertThat(laterOpen.getLong("trades")).as("the open candle grows").isGreaterThan(trades);
      assertThat(new java.math.BigDecimal(laterOpen.getString("volume")))
          .isGreaterThan(new java.math.BigDecimal(open.getString("volume")));
    } else {
      assertThat(Instant.parse(laterOpen.getString("openTime"))).isAfter(Instant.parse(open.getString("openTime")));
      JsonObject nowClosed = null;
      for (int i = 0; i < later.size(); i++) {
        if (later.getJsonObject(i).getString("openTime").equals(open.getString("openTime"))) nowClosed = later.getJsonObject(i);
      }
      assertThat(nowClosed).as("the earlier open candle, closed across the boundary").isNotNull();
      assertThat(nowClosed.getBoolean("closed")).isTrue();
      assertThat(nowClosed.getLong("trades")).isGreaterThanOrEqualTo(trades);
      assertThat(nowClosed.getString("open")).isEqualTo(open.getString("open"));
    }
  }

  /** The market meters are in the Prometheus scrape: cache lookups by result, the tick-latency histogram, writers. */
  @Test
  void metricsExportCacheLookupsTickLatencyAndTheWriters() throws Exception {
    awaitTicker("BTC-USD"); // a cache hit
    get("/api/v1/market/tickers/CLOSED-USD"); // a miss: no tick for a closed market
    Scrape scrape = new Scrape(get("/metrics").bodyAsString());
    assertThat(scrape.value("bourse_market_cache_requests_total", "result", "hit")).isGreaterThanOrEqualTo(1);
    assertThat(scrape.value("bourse_market_cache_requests_total", "result", "miss")).isGreaterThanOrEqualTo(1);
    double count = scrape.value("bourse_market_tick_latency_seconds_count");
    assertThat(count).isGreaterThan(0);
    assertThat(scrape.samples("bourse_market_tick_latency_seconds_bucket")).extracting(x -> x.labels().get("le"))
        .contains("0.001", "0.005", "+Inf");
    assertThat(scrape.value("bourse_market_tick_latency_seconds_bucket", "le", "+Inf")).isEqualTo(count);
    assertThat(scrape.value("bourse_market_tick_latency_seconds_sum")).isGreaterThan(0);
    assertThat(scrape.value("bourse_market_candles_unsaved")).isZero();
    assertThat(scrape.value("bourse_market_candle_persist_failures_total")).isZero();
    assertThat(scrape.value("bourse_market_checkpoint_failures_total")).isZero();
  }

  @Test
  void badCandleRequestsNameTheField() {
    JsonObject interval = error(get("/api/v1/market/candles/BTC-USD?interval=7m"), 400, "ERR_VAL_004");
    assertThat(interval.getString("message") + interval.getJsonArray("details")).contains("interval");
    error(get("/api/v1/market/candles/BTC-USD"), 400, "ERR_VAL_004");
    JsonObject reversed = error(get("/api/v1/market/candles/BTC-USD?interval=1m"
        + "&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z"), 400, "ERR_VAL_004");
    assertThat(reversed.getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo("from");
    JsonObject limit = error(get("/api/v1/market/candles/BTC-USD?interval=1m&limit=5000"), 400, "ERR_VAL_004");
    assertThat(limit.getString("message") + limit.getJsonArray("details")).contains("limit");
    JsonObject date = error(get("/api/v1/market/candles/BTC-USD?interval=1m&to=yesterday"), 400, "ERR_VAL_004");
    assertThat(date.getString("message") + date.getJsonArray("details")).contains("to");
    error(get("/api/v1/market/candles/NOPE-USD?interval=1m"), 404, "ERR_NOT_FOUND_003");
  }

  @Test
  void detailedHealthShowsMarketDataStatus() throws Exception {
    awaitTicker("BTC-USD");
    JsonObject detailed = get("/health/detailed").bodyAsJsonObject();
    JsonObject market = detailed.getJsonObject("components").getJsonObject("market");
    assertThat(market.getJsonObject("stale")).isNotNull();
    assertThat(market.getJsonObject("stale").getBoolean("BTC-USD")).isFalse();
    assertThat(market.getJsonObject("metrics")).isNotNull();
    assertThat(market.getJsonObject("candles").getBoolean("retrying")).isFalse();
    assertThat(market.getJsonObject("checkpoints").getString("scope")).isEqualTo("simulated");
    assertThat(detailed.getJsonObject("services").getJsonObject("kafka").getString("status")).isEqualTo("disabled");
  }
}

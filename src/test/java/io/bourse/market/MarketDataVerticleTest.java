package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.config.ConfigProblems;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.embedded.SqliteDocumentStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up wiring without Kafka: catalogue seeding into the store, the bundled fallback, staleness alerts. */
class MarketDataVerticleTest {
  @TempDir Path dir;
  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  static MarketConfig config(JsonObject market) {
    ConfigProblems problems = new ConfigProblems();
    MarketConfig c = MarketConfig.from(market, problems);
    assertThat(problems.all()).isEmpty();
    return c;
  }

  @Test
  void seedsTheCatalogueIntoTheStoreIdempotentlyAndFallsBackToTheBundledFile() throws Exception {
    DocumentStore store = SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(dir.resolve("m.db"),
        StoreConfig.Synchronous.NORMAL, 2), 1 << 20).await();
    // A path that does not exist: the copy bundled in the jar is used.
    MarketConfig c = config(new JsonObject().put("instrumentsFile", dir.resolve("missing.json").toString())
        .put("simulated", new JsonObject().put("ticksPerSecond", 1)));
    for (int run = 0; run < 2; run++) {
      String id = vertx.deployVerticle(new MarketDataVerticle(c, store)).await();
      vertx.undeploy(id).await();
    }
    List<JsonObject> docs = store.query(MarketDataVerticle.INSTRUMENTS_CONTAINER,
        Query.in(MarketDataVerticle.INSTRUMENTS_PARTITION).orderBy("symbol", false).limit(100).build()).await()
        .items().stream().map(Document::body).toList();
    assertThat(docs).extracting(d -> d.getString("symbol"))
        .containsExactly("AAPL", "BTC-USD", "BUIDL-USD", "ETH-USD", "MSFT", "SOL-USD", "USDC-USD");
    JsonObject aapl = docs.get(0);
    assertThat(aapl.getString("assetClass")).isEqualTo("equity");
    assertThat(aapl.getString("tickSize")).isEqualTo("0.01");
    assertThat(aapl.getJsonObject("session").getString("timeZone")).isEqualTo("America/New_York");
    store.close().await();
  }

  @Test
  void aSilentSymbolIsReportedStaleToOperatorsAndInTheStatus() throws Exception {
    // CSV source over an empty file: the feed is up but nothing ticks.
    Path csv = dir.resolve("empty.csv");
    java.nio.file.Files.writeString(csv, "timestamp,symbol,sequence,price,size\n");
    List<JsonObject> alerts = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ADMIN_ALERTS, m -> alerts.add(m.body()));
    List<JsonObject> internal = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.MD_STALENESS, m -> internal.add(m.body()));
    MarketDataVerticle v = new MarketDataVerticle(config(new JsonObject().put("source", "csv").put("staleAfterMs", 200)
        .put("csv", new JsonObject().put("path", csv.toString()))), null);
    vertx.deployVerticle(v).await();
    long deadline = System.currentTimeMillis() + 10_000;
    while (alerts.stream().noneMatch(a -> "BTC-USD".equals(a.getString("symbol"))) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(alerts).anySatisfy(a -> {
      assertThat(a.getString("type")).isEqualTo("market.stale");
      assertThat(a.getString("symbol")).isEqualTo("BTC-USD");
      assertThat(a.getLong("silentMs")).isGreaterThan(200);
    });
    assertThat(internal).extracting(a -> a.getString("symbol")).contains("BTC-USD");
    JsonObject status = vertx.eventBus().<JsonObject>request(Addresses.MD_STATUS, null).await().body();
    assertThat(status.getBoolean("anyStale")).isTrue();
    assertThat(status.getJsonObject("stale").getBoolean("BTC-USD")).isTrue();
    assertThat(v.isStale("BTC-USD")).isTrue();
  }
}

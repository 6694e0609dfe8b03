package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.ConfigProblems;
import io.bourse.market.source.CsvReplaySource;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.embedded.SqliteDocumentStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Historical replay through the full pipeline into the real embedded store, bad rows into dead_letters. */
class CsvReplayTest {
  @TempDir Path dir;

  @Test
  void replaysHistoricalTicksIntoCandlesAndBadRowsIntoDeadLetters() throws Exception {
    Instant t0 = Instant.parse("2024-03-04T14:30:00Z");
    List<String> lines = new ArrayList<>();
    lines.add("timestamp,symbol,sequence,price,size,bid,ask");
    for (int i = 0; i < 180; i++) {
      lines.add(t0.plusSeconds(i) + ",MSFT," + i + "," + (400 + i % 10) + ".25,10,,");
    }
    lines.add(3, "garbage line");
    lines.add(10, t0.plusSeconds(5) + ",GME,1,20.00,1,,");
    lines.add(20, t0.plusSeconds(6) + ",MSFT,9999,-1.00,1,,");
    lines.add(30, t0.plusSeconds(7) + ",MSFT,abc,400.00,1,,");
    lines.add(40, t0.plusSeconds(8) + ",MSFT,5,400.25,10,,"); // a repeat of sequence 5
    Path csv = dir.resolve("ticks.csv");
    Files.write(csv, lines);

    Vertx vertx = Vertx.vertx();
    try {
      DocumentStore store = SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(dir.resolve("m.db"),
          StoreConfig.Synchronous.NORMAL, 2), 1 << 20).await();
      ConfigProblems problems = new ConfigProblems();
      MarketConfig config = MarketConfig.from(new JsonObject().put("source", "csv")
          .put("csv", new JsonObject().put("path", csv.toString())), problems);
      assertThat(problems.all()).isEmpty();
      MarketDataVerticle v = new MarketDataVerticle(config, store);
      String id = vertx.deployVerticle(v).await();
      long rows = ((CsvReplaySource) v.source()).done().await();
      assertThat(rows).isEqualTo(185);

      List<JsonObject> candles = waitFor(() -> store.query(CandleWriter.CONTAINER,
          Query.in(CandleWriter.partitionKey("MSFT", Interval.M1)).orderBy("openTimeMs", false).build()).await()
          .items().stream().map(Document::body).toList(), 3);
      assertThat(candles).extracting(c -> c.getLong("trades")).containsExactly(60L, 60L, 60L);
      assertThat(candles.get(0).getString("openTime")).isEqualTo("2024-03-04T14:30:00Z");
      assertThat(candles.get(0).getString("open")).isEqualTo("400.25");
      assertThat(candles.get(0).getString("high")).isEqualTo("409.25");
      assertThat(candles.get(0).getString("volume")).isEqualTo("600");
      List<JsonObject> hour = store.query(CandleWriter.CONTAINER,
          Query.in(CandleWriter.partitionKey("MSFT", Interval.H1)).build()).await().items().stream().map(Document::body).toList();
      assertThat(hour).singleElement().satisfies(h -> assertThat(h.getLong("trades")).isEqualTo(180));

      assertThat(deadLetters(store, "SCHEMA")).extracting(d -> d.getString("payload"))
          .containsExactlyInAnyOrder("garbage line", t0.plusSeconds(7) + ",MSFT,abc,400.00,1,,");
      assertThat(deadLetters(store, "UNKNOWN_SYMBOL")).singleElement()
          .satisfies(d -> assertThat(d.getString("origin")).isEqualTo("csv:" + csv + ":11"));
      assertThat(deadLetters(store, "NON_POSITIVE_PRICE")).hasSize(1);
      assertThat(v.metrics().duplicates.sum()).isEqualTo(1);
      assertThat(v.metrics().invalidTotal()).isEqualTo(4);
      vertx.undeploy(id).await();
      store.close().await();
    } finally {
      vertx.close().await();
    }
  }

  private static List<JsonObject> deadLetters(DocumentStore store, String reason) {
    return store.query(StoreDeadLetters.CONTAINER, Query.in(reason).build()).await().items().stream()
        .map(Document::body).toList();
  }

  private static List<JsonObject> waitFor(java.util.function.Supplier<List<JsonObject>> query, int size) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    List<JsonObject> got = query.get();
    while (got.size() < size && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      got = query.get();
    }
    return got;
  }
}

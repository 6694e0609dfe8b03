package io.bourse.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.embedded.SqliteDocumentStore;
import io.bourse.trading.domain.EventSource;
import io.bourse.trading.domain.InstrumentSpec;
import io.bourse.trading.domain.Order;
import io.bourse.trading.domain.OrderStatus;
import io.bourse.trading.domain.PlaceOrder;
import io.bourse.trading.domain.ReservationPolicy;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TradingAccount;
import io.bourse.trading.domain.VenueReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trading documents one account writes, on the real embedded store: how many documents a command costs, an
 * order's history inline and past {@link TradingStore#INLINE_HISTORY}, and a reload giving back the same account.
 */
class TradingDocumentsTest {
  private static final Instant T = Instant.parse("2026-01-05T10:00:00Z");
  private static final InstrumentSpec BTC = new InstrumentSpec("BTC-USD", "USD", new BigDecimal("0.01"),
      new BigDecimal("0.001"), new BigDecimal("10"), true);
  private static final ReservationPolicy POLICY = new ReservationPolicy(new BigDecimal("0.001"), new BigDecimal("0.02"));

  @TempDir
  Path dir;
  private Vertx vertx;
  private DocumentStore documents;
  private TradingStore store;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    documents = await(SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(dir.resolve("store.db"),
        StoreConfig.Synchronous.NORMAL, 2), 1_048_576));
    store = new TradingStore(documents);
    await(store.ensure());
  }

  @AfterEach
  void close() throws Exception {
    await(documents.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private LiveAccount fresh() throws Exception {
    TradingAccount account = new TradingAccount("PA-t1", POLICY);
    account.deposit("USD", new BigDecimal("100000"), T);
    LiveAccount live = new LiveAccount("t1", account, writer("PA-t1"),
        new JsonObject().put("createdAt", T.toString()), Map.of());
    write(live, live.collect(Set.of(), List.of(), null, s -> null));
    return live;
  }

  private AccountWriter writer(String accountId) {
    return new AccountWriter(ops -> store.batch(accountId, ops), DocumentStore.MAX_BATCH_OPERATIONS);
  }

  private void write(LiveAccount live, LiveAccount.Changes changes) throws Exception {
    await(live.writer.write(changes.operations()));
  }

  @Test
  void aMarketOrderCostsAFewDocumentsAndItsOrderDocumentIsItsIdempotencyRecordAndHistory() throws Exception {
    LiveAccount live = fresh();
    Order order = live.account.place(PlaceOrder.market("PA-t1", "BTC-USD", Side.BUY, new BigDecimal("0.5"), "key-1",
        EventSource.REST), BTC, new BigDecimal("100"), T);
    live.orderMeta.put(order.id(), new JsonObject().put("idempotencyKey", "key-1").put("requestHash", "h1")
        .put("outbox", new JsonObject().put("action", "submit")));
    LiveAccount.Changes placed = live.collect(Set.of(order.id()), List.of(), "req-1", s -> null);
    // order, the reservation's ledger document, the account
    assertThat(placed.operations()).extracting(op -> op.id()).containsExactlyInAnyOrder(
        "order:" + order.id(), "ledger:3", "account");
    write(live, placed);

    live.account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.VENUE, T);
    live.orderMeta.get(order.id()).remove("outbox");
    live.account.apply(order.id(), new VenueReport.Filled("x1", new BigDecimal("0.5"), new BigDecimal("100"),
        new BigDecimal("0.05")), EventSource.VENUE, T);
    LiveAccount.Changes filled = live.collect(Set.of(order.id()), List.of(), "req-2", s -> null);
    // order, fill, position, one ledger document for the release, the fill and the fee, the account
    assertThat(filled.operations()).extracting(op -> op.id()).containsExactlyInAnyOrder(
        "order:" + order.id(), "fill:x1", "position:BTC-USD", "ledger:5", "account");
    write(live, filled);

    JsonObject doc = await(store.read("PA-t1", TradingStore.orderDocId(order.id()))).body();
    assertThat(doc.getString("status")).isEqualTo("FILLED");
    assertThat(doc.getString("requestHash")).isEqualTo("h1");
    assertThat(doc.containsKey("outbox")).isFalse();
    assertThat(doc.getJsonArray("history")).hasSize(3);
    assertThat(doc.getJsonArray("history").getJsonObject(0).getString("requestId")).isEqualTo("req-1");
    assertThat(doc.getJsonArray("history").getJsonObject(2).getString("to")).isEqualTo("FILLED");

    // Ledger documents: entries numbered consecutively across documents, summing to zero.
    List<JsonObject> ledger = await(store.queryAll(Query.in("PA-t1").eq(TradingStore.DOC_TYPE, "ledger")
        .orderBy("number", false)));
    long expected = 1;
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonObject d : ledger) {
      assertThat(d.getLong("first")).isEqualTo(expected);
      for (Object e : d.getJsonArray("entries")) {
        JsonObject entry = (JsonObject) e;
        assertThat(entry.getLong("number")).isEqualTo(expected++);
        sum = sum.add(new BigDecimal(entry.getString("amount")));
      }
      assertThat(d.getLong("number")).isEqualTo(expected - 1);
    }
    assertThat(expected - 1).isGreaterThanOrEqualTo(8);
    assertThat(sum).isEqualByComparingTo("0");
  }

  /** Places and fills one small market order in memory (venue reports applied directly) and collects it. */
  private LiveAccount.Changes placeAndFill(LiveAccount live, String key) {
    Order order = live.account.place(PlaceOrder.market("PA-t1", "BTC-USD", Side.BUY, new BigDecimal("0.001"), key,
        EventSource.REST), BTC, new BigDecimal("100"), T);
    live.orderMeta.put(order.id(), new JsonObject().put("idempotencyKey", key).put("requestHash", "h-" + key));
    live.account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.VENUE, T);
    live.account.apply(order.id(), new VenueReport.Filled("x-" + key, new BigDecimal("0.001"), new BigDecimal("100"),
        BigDecimal.ZERO), EventSource.VENUE, T);
    return live.collect(Set.of(order.id()), List.of(), null, s -> null);
  }

  private static String orderIdOf(LiveAccount.Changes changes) {
    return changes.operations().stream().map(op -> op.id()).filter(id -> id.startsWith("order:")).findFirst()
        .orElseThrow().substring("order:".length());
  }

  @Test
  void finishedOrdersAreRememberedUntilTheirBatchIsDurableThenOnlyTheNewestFew() throws Exception {
    LiveAccount live = fresh();
    List<LiveAccount.Changes> batches = new ArrayList<>();
    for (int i = 0; i < 200; i++) batches.add(placeAndFill(live, "k" + i));
    // Nothing written yet: every finished order is known only here, so every one must still be answerable.
    for (LiveAccount.Changes c : batches) {
      assertThat(live.finishedDoc(orderIdOf(c))).as("finished, not yet durable").isNotNull();
    }
    // The first 150 batches are durable: of those, only the newest ones within the kept number stay; the 50 not yet
    // durable all stay.
    live.durable(batches.get(149).batch());
    for (int i = 150; i < 200; i++) assertThat(live.finishedDoc(orderIdOf(batches.get(i)))).isNotNull();
    assertThat(live.finishedDoc(orderIdOf(batches.get(0)))).isNull();
    assertThat(live.finishedDoc(orderIdOf(batches.get(135)))).isNull();
    assertThat(live.finishedDoc(orderIdOf(batches.get(136)))).as("newest 64 of 200 start at 136").isNotNull();
    live.durable(batches.get(199).batch());
    assertThat(live.finishedDoc(orderIdOf(batches.get(136)))).as("still among the newest 64").isNotNull();
    LiveAccount.Changes next = placeAndFill(live, "k200");
    live.durable(next.batch());
    assertThat(live.finishedDoc(orderIdOf(batches.get(136)))).isNull();
    assertThat(live.finishedDoc(orderIdOf(batches.get(137)))).isNotNull();
    assertThat(live.finishedDoc(orderIdOf(next)).getString("status")).isEqualTo("FILLED");
  }

  @Test
  void aLongHistorySpillsIntoEventDocumentsAndReloadsWhole() throws Exception {
    LiveAccount live = fresh();
    Order order = live.account.place(PlaceOrder.limit("PA-t1", "BTC-USD", Side.BUY, new BigDecimal("100"),
        new BigDecimal("100"), "key-2", EventSource.REST), BTC, new BigDecimal("100"), T);
    live.account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.VENUE, T);
    write(live, live.collect(Set.of(order.id()), List.of(), null, s -> null));
    int fills = TradingStore.INLINE_HISTORY + 10;
    for (int i = 1; i <= fills; i++) {
      live.account.apply(order.id(), new VenueReport.Filled("x" + i, new BigDecimal("0.5"), new BigDecimal("100"),
          BigDecimal.ZERO), EventSource.VENUE, T);
      write(live, live.collect(Set.of(order.id()), List.of(), "fill-" + i, s -> null));
    }
    int events = 2 + fills;
    JsonObject doc = await(store.read("PA-t1", TradingStore.orderDocId(order.id()))).body();
    assertThat(doc.getJsonArray("history")).hasSize(TradingStore.INLINE_HISTORY);
    List<JsonObject> history = await(store.history("PA-t1", doc));
    assertThat(history).extracting(e -> e.getLong("sequence"))
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events).boxed().toList());

    TradingStore.Loaded loaded = await(store.load("PA-t1", POLICY));
    Order reloaded = loaded.account().order(order.id()).orElseThrow();
    assertThat(reloaded.status()).isEqualTo(OrderStatus.PARTIALLY_FILLED);
    assertThat(reloaded.filledQuantity()).isEqualByComparingTo(new BigDecimal("0.5").multiply(BigDecimal.valueOf(fills)));
    assertThat(loaded.account().historySize(order.id())).isEqualTo(events);
    assertThat(loaded.account().isExecutionApplied("x1")).isTrue();
    assertThat(loaded.account().isExecutionApplied("x" + fills)).isTrue();
    assertThat(loaded.account().ledger().sum("USD")).isEqualByComparingTo("0");
  }
  @Test
  void anOpenOrderStoredWithEventDocumentsReloadsWithItsWholeHistoryAndContinuesInline() throws Exception {
    LiveAccount live = fresh();
    Order order = live.account.place(PlaceOrder.limit("PA-t1", "BTC-USD", Side.BUY, new BigDecimal("1"),
        new BigDecimal("100"), "key-3", EventSource.REST), BTC, new BigDecimal("100"), T);
    live.account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.VENUE, T);
    write(live, live.collect(Set.of(order.id()), List.of(), "req-old", s -> null));
    // Rewrite it the way the earlier layout stored it: no inline history, one document per event.
    JsonObject doc = await(store.read("PA-t1", TradingStore.orderDocId(order.id()))).body();
    io.vertx.core.json.JsonArray events = (io.vertx.core.json.JsonArray) doc.remove("history");
    List<io.bourse.store.BatchOperation> old = new java.util.ArrayList<>();
    old.add(io.bourse.store.BatchOperation.upsert(io.bourse.store.Document.of("PA-t1", TradingStore.orderDocId(order.id()), doc)));
    for (Object e : events) {
      JsonObject event = ((JsonObject) e).copy().put(TradingStore.DOC_TYPE, "event");
      old.add(io.bourse.store.BatchOperation.upsert(io.bourse.store.Document.of("PA-t1",
          TradingStore.eventDocId(order.id(), event.getLong("sequence")), event)));
    }
    await(store.batch("PA-t1", old));

    TradingStore.Loaded loaded = await(store.load("PA-t1", POLICY));
    assertThat(loaded.account().historySize(order.id())).isEqualTo(2);
    LiveAccount reloaded = new LiveAccount("t1", loaded.account(), writer("PA-t1"), loaded.accountDoc(), loaded.orderMeta());
    reloaded.account.apply(order.id(), new VenueReport.Filled("x-old", new BigDecimal("1"), new BigDecimal("100"),
        BigDecimal.ZERO), EventSource.VENUE, T);
    write(reloaded, reloaded.collect(Set.of(order.id()), List.of(), "req-new", s -> null));
    JsonObject after = await(store.read("PA-t1", TradingStore.orderDocId(order.id()))).body();
    assertThat(after.getJsonArray("history")).hasSize(3);
    assertThat(await(store.history("PA-t1", after))).extracting(e -> e.getString("to") + "/" + e.getString("requestId"))
        .containsExactly("PENDING_NEW/req-old", "NEW/req-old", "FILLED/req-new");
  }
}

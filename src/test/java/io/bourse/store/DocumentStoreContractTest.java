package io.bourse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.bourse.store.StoreException.Kind;
import io.bourse.support.BlockedThreadWatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link DocumentStore} promises. Subclasses only say how to open a store; each test works in its
 * own partition key, so tests share one store (and one Cosmos-protocol server) without seeing each other's data.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DocumentStoreContractTest {
  protected static final String ITEMS = "items";
  /** Small so the oversized-document case stays cheap; real deployments use the 1 MiB default. */
  protected static final int MAX_DOCUMENT_BYTES = 64 * 1024;

  protected BlockedThreadWatch watch;
  protected Vertx vertx;
  protected DocumentStore store;
  protected String pk;

  /** Opens a fresh store on the given Vert.x instance (called once per class, and again by the close test). */
  protected abstract Future<DocumentStore> openStore(Vertx vertx, int maxDocumentBytes) throws Exception;

  @BeforeAll
  void openSharedStore() throws Exception {
    watch = new BlockedThreadWatch();
    vertx = watch.vertx();
    store = await(openStore(vertx, MAX_DOCUMENT_BYTES));
    await(store.ensureContainer(ContainerSpec.of(ITEMS, "symbol", "price", "seq", "_ts")));
  }

  @AfterAll
  void closeSharedStore() throws Exception {
    try {
      if (store != null) await(store.close());
      assertThat(watch.blockedWarnings()).as("blocked event-loop warnings").isEmpty();
    } finally {
      watch.close();
    }
  }

  @BeforeEach
  void freshPartition() {
    pk = "pk-" + UUID.randomUUID();
  }

  // ------------------------------------------------------------ single documents

  @Test
  void createStoresTheDocumentAndASecondCreateOfTheSameIdConflicts() throws Exception {
    Document created = await(store.create(ITEMS, doc("a", new JsonObject().put("symbol", "EURUSD"))));
    assertThat(created.etag()).isNotBlank();
    assertThat(created.timestamp()).isPositive();

    StoreException conflict = failure(store.create(ITEMS, doc("a", new JsonObject().put("symbol", "GBPUSD"))));
    assertThat(conflict.kind()).isEqualTo(Kind.CONFLICT);

    Document read = await(store.read(ITEMS, pk, "a"));
    assertThat(read.body().getString("symbol")).isEqualTo("EURUSD");
    assertThat(read.etag()).isEqualTo(created.etag());
    assertThat(read.id()).isEqualTo("a");
    assertThat(read.partitionKey()).isEqualTo(pk);
  }

  @Test
  void sameIdInAnotherPartitionIsAnotherDocument() throws Exception {
    String otherPk = pk + "-other";
    await(store.create(ITEMS, doc("a", new JsonObject().put("n", 1))));
    await(store.create(ITEMS, Document.of(otherPk, "a", new JsonObject().put("n", 2))));
    assertThat(await(store.read(ITEMS, pk, "a")).body().getInteger("n")).isEqualTo(1);
    assertThat(await(store.read(ITEMS, otherPk, "a")).body().getInteger("n")).isEqualTo(2);
  }

  @Test
  void upsertInsertsThenOverwritesWithANewEtag() throws Exception {
    Document first = await(store.upsert(ITEMS, doc("u", new JsonObject().put("v", 1))));
    Document second = await(store.upsert(ITEMS, doc("u", new JsonObject().put("v", 2))));
    assertThat(second.etag()).isNotEqualTo(first.etag());
    Document read = await(store.read(ITEMS, pk, "u"));
    assertThat(read.body().getInteger("v")).isEqualTo(2);
    assertThat(read.etag()).isEqualTo(second.etag());
  }

  @Test
  void readOfAnAbsentDocumentIsNull() throws Exception {
    assertThat(await(store.read(ITEMS, pk, "nope"))).isNull();
  }

  @Test
  void replaceHonoursIfMatchAndReportsMissingDocuments() throws Exception {
    Document v1 = await(store.create(ITEMS, doc("r", new JsonObject().put("v", 1))));
    Document v2 = await(store.replace(ITEMS, doc("r", new JsonObject().put("v", 2)), v1.etag()));
    assertThat(v2.etag()).isNotEqualTo(v1.etag());

    StoreException stale = failure(store.replace(ITEMS, doc("r", new JsonObject().put("v", 3)), v1.etag()));
    assertThat(stale.kind()).isEqualTo(Kind.PRECONDITION_FAILED);
    assertThat(await(store.read(ITEMS, pk, "r")).body().getInteger("v")).isEqualTo(2);

    Document unconditional = await(store.replace(ITEMS, doc("r", new JsonObject().put("v", 4)), null));
    assertThat(await(store.read(ITEMS, pk, "r")).etag()).isEqualTo(unconditional.etag());

    StoreException missing = failure(store.replace(ITEMS, doc("absent", new JsonObject()), null));
    assertThat(missing.kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void deleteHonoursIfMatchAndReportsMissingDocuments() throws Exception {
    Document v1 = await(store.create(ITEMS, doc("d", new JsonObject().put("v", 1))));
    await(store.upsert(ITEMS, doc("d", new JsonObject().put("v", 2))));

    StoreException stale = failure(store.delete(ITEMS, pk, "d", v1.etag()));
    assertThat(stale.kind()).isEqualTo(Kind.PRECONDITION_FAILED);
    assertThat(await(store.read(ITEMS, pk, "d"))).isNotNull();

    await(store.delete(ITEMS, pk, "d", null));
    assertThat(await(store.read(ITEMS, pk, "d"))).isNull();
    assertThat(failure(store.delete(ITEMS, pk, "d", null)).kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  protected void expiredDocumentsAreInvisibleToReadsAndQueries() throws Exception {
    await(store.upsert(ITEMS, doc("short", new JsonObject().put("symbol", "X")).withTtl(1)));
    await(store.upsert(ITEMS, doc("forever", new JsonObject().put("symbol", "X"))));
    assertThat(await(store.read(ITEMS, pk, "short"))).isNotNull();

    Thread.sleep(2_500); // the JUnit thread, not an event loop: TTLs are in whole seconds
    assertThat(await(store.read(ITEMS, pk, "short"))).isNull();
    assertThat(ids(await(store.query(ITEMS, Query.in(pk).eq("symbol", "X").build())).items()))
        .containsExactly("forever");
    // An expired id is free again.
    await(store.create(ITEMS, doc("short", new JsonObject().put("symbol", "Y"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b", "a\\b", "a?b", "a#b", "tab\there", "nul\u0000", "line\nbreak"})
  void invalidIdsAndPartitionKeysAreRefused(String bad) throws Exception {
    assertThat(failure(store.create(ITEMS, doc(bad, new JsonObject()))).kind()).isEqualTo(Kind.INVALID_ID);
    assertThat(failure(store.upsert(ITEMS, Document.of(bad, "ok", new JsonObject()))).kind())
        .isEqualTo(Kind.INVALID_ID);
    assertThat(failure(store.read(ITEMS, pk, bad)).kind()).isEqualTo(Kind.INVALID_ID);
  }

  @Test
  void idsLongerThan255CharactersAreRefused() throws Exception {
    assertThat(failure(store.create(ITEMS, doc("x".repeat(256), new JsonObject()))).kind())
        .isEqualTo(Kind.INVALID_ID);
    assertThat(await(store.create(ITEMS, doc("y".repeat(255), new JsonObject()))).id()).hasSize(255);
  }

  @Test
  void reservedBodyFieldsAreRefused() throws Exception {
    for (String field : List.of("id", "pk", "ttl", "_etag")) {
      assertThat(failure(store.create(ITEMS, doc("res", new JsonObject().put(field, "x")))).kind())
          .as(field).isEqualTo(Kind.INVALID_ID);
    }
    assertThat(await(store.read(ITEMS, pk, "res"))).isNull();
  }

  @Test
  void oversizedDocumentsAreRefusedAndNothingIsStored() throws Exception {
    String big = "x".repeat(MAX_DOCUMENT_BYTES);
    StoreException tooLarge = failure(store.create(ITEMS, doc("big", new JsonObject().put("blob", big))));
    assertThat(tooLarge.kind()).isEqualTo(Kind.TOO_LARGE);
    assertThat(failure(store.upsert(ITEMS, doc("big", new JsonObject().put("blob", big)))).kind())
        .isEqualTo(Kind.TOO_LARGE);
    assertThat(await(store.read(ITEMS, pk, "big"))).isNull();
  }

  @Test
  void unknownContainerIsNotFound() throws Exception {
    assertThat(failure(store.read("nosuchcontainer", pk, "a")).kind()).isEqualTo(Kind.NOT_FOUND);
  }

  // ------------------------------------------------------------ queries

  @Test
  void equalityFilterSelectsMatchingDocumentsOnly() throws Exception {
    seedQuotes(12);
    Page page = await(store.query(ITEMS, Query.in(pk).eq("symbol", "EURUSD").orderBy("seq", false).build()));
    assertThat(page.items()).extracting(d -> d.body().getString("symbol")).containsOnly("EURUSD");
    assertThat(ids(page.items())).containsExactly("q00", "q03", "q06", "q09");
    assertThat(page.continuation()).isNull();
    Page none = await(store.query(ITEMS, Query.in(pk + "-empty").eq("symbol", "EURUSD").build()));
    assertThat(none.items()).isEmpty();
  }

  @Test
  void rangeFiltersAndDescendingOrder() throws Exception {
    seedQuotes(12);
    Query q = Query.in(pk).where("price", Query.Op.GTE, 103).where("price", Query.Op.LT, 107)
        .orderBy("price", true).build();
    Page page = await(store.query(ITEMS, q));
    assertThat(page.items()).extracting(d -> d.body().getInteger("price")).containsExactly(106, 105, 104, 103);
    Page ne = await(store.query(ITEMS, Query.in(pk).where("symbol", Query.Op.NE, "EURUSD")
        .where("price", Query.Op.LTE, 102).orderBy("price", false).build()));
    assertThat(ids(ne.items())).containsExactly("q01", "q02");
    Page bools = await(store.query(ITEMS, Query.in(pk).eq("even", true).where("price", Query.Op.GT, 107.5).build()));
    assertThat(ids(bools.items())).containsExactlyInAnyOrder("q08", "q10");
  }

  @Test
  void limitAndContinuationWalkEveryDocumentOnceInOrder() throws Exception {
    seedQuotes(25);
    List<String> seen = new ArrayList<>();
    String continuation = null;
    int pages = 0;
    do {
      Page page = await(store.query(ITEMS, Query.in(pk).orderBy("seq", false).limit(7).continuation(continuation)
          .build()));
      assertThat(page.items().size()).isLessThanOrEqualTo(7);
      seen.addAll(ids(page.items()));
      continuation = page.continuation();
      pages++;
    } while (continuation != null && pages < 10);
    assertThat(seen).containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(i -> String.format("q%02d", i))
        .toList());
    assertThat(pages).isEqualTo(4);
  }

  @Test
  void continuationWorksWithDescendingOrderAndDefaultOrder() throws Exception {
    seedQuotes(9);
    List<String> byPriceDesc = walk(Query.in(pk).orderBy("price", true).limit(4));
    assertThat(byPriceDesc).containsExactly("q08", "q07", "q06", "q05", "q04", "q03", "q02", "q01", "q00");
    List<String> byId = walk(Query.in(pk).limit(2));
    assertThat(byId).containsExactly("q00", "q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08");
  }

  @Test
  void ordersByLastWriteTimeAndFiltersById() throws Exception {
    // Written in the opposite of id order, more than a second apart (Cosmos keeps _ts in whole seconds).
    for (String id : List.of("z", "m", "a")) {
      await(store.upsert(ITEMS, doc(id, new JsonObject())));
      if (!id.equals("a")) Thread.sleep(1_100);
    }
    assertThat(ids(await(store.query(ITEMS, Query.in(pk).orderBy("_ts", false).build())).items()))
        .containsExactly("z", "m", "a");
    assertThat(walk(Query.in(pk).orderBy("_ts", true).limit(2))).containsExactly("a", "m", "z");
    assertThat(ids(await(store.query(ITEMS, Query.in(pk).where("id", Query.Op.GTE, "m").build())).items()))
        .containsExactly("m", "z");
  }

  @Test
  void tamperedOrForeignContinuationTokensAreRefused() throws Exception {
    seedQuotes(6);
    Query.Builder base = Query.in(pk).orderBy("seq", false).limit(2);
    String token = await(store.query(ITEMS, base.build())).continuation();
    assertThat(token).isNotNull();

    int mid = token.length() / 2;
    char flipped = token.charAt(mid) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, mid) + flipped + token.substring(mid + 1);
    for (String bad : List.of(tampered, "garbage", token + "x", "")) {
      StoreException e = failure(store.query(ITEMS, Query.in(pk).orderBy("seq", false).limit(2).continuation(bad)
          .build()));
      assertThat(e.kind()).as(bad).isEqualTo(Kind.INVALID_QUERY);
    }
    StoreException otherQuery = failure(store.query(ITEMS, Query.in(pk).orderBy("price", true).limit(2)
        .continuation(token).build()));
    assertThat(otherQuery.kind()).isEqualTo(Kind.INVALID_QUERY);
  }

  @Test
  void invalidQueriesAreRefused() throws Exception {
    for (Query q : List.of(
        Query.in(pk).eq("price; DROP TABLE x", 1).build(),
        Query.in(pk).eq("a b", 1).build(),
        Query.in(pk).orderBy("x')--", false).build(),
        Query.in(pk).limit(0).build(),
        Query.in(pk).limit(1001).build(),
        Query.in(pk).eq("price", new JsonObject()).build(),
        Query.in(pk).eq("_etag", "x").build(),
        Query.in(pk).eq("pk", "x").build(),
        Query.in(pk).orderBy("ttl", false).build())) {
      assertThat(failure(store.query(ITEMS, q)).kind()).as(q.toString()).isEqualTo(Kind.INVALID_QUERY);
    }
  }

  // ------------------------------------------------------------ batches

  @Test
  void batchAppliesEveryOperation() throws Exception {
    Document existing = await(store.create(ITEMS, doc("e", new JsonObject().put("v", 1))));
    await(store.create(ITEMS, doc("gone", new JsonObject())));
    List<Document> results = await(store.batch(ITEMS, pk, List.of(
        BatchOperation.create(doc("b1", new JsonObject().put("v", 1))),
        BatchOperation.upsert(doc("b2", new JsonObject().put("v", 2))),
        BatchOperation.replace(doc("e", new JsonObject().put("v", 2)), existing.etag()),
        BatchOperation.delete("gone", null))));
    assertThat(results).hasSize(4);
    assertThat(results.get(0).etag()).isNotBlank();
    assertThat(results.get(3)).isNull();
    assertThat(await(store.read(ITEMS, pk, "b1"))).isNotNull();
    assertThat(await(store.read(ITEMS, pk, "b2")).etag()).isEqualTo(results.get(1).etag());
    assertThat(await(store.read(ITEMS, pk, "e")).body().getInteger("v")).isEqualTo(2);
    assertThat(await(store.read(ITEMS, pk, "gone"))).isNull();
  }

  @Test
  void batchFailureNamesTheFailingOperationAndItsKind() throws Exception {
    await(store.create(ITEMS, doc("taken", new JsonObject().put("v", 1))));
    StoreException conflict = failure(store.batch(ITEMS, pk, List.of(
        BatchOperation.create(doc("n1", new JsonObject())),
        BatchOperation.create(doc("taken", new JsonObject())))));
    assertThat(conflict.kind()).isEqualTo(Kind.CONFLICT);
    assertThat(conflict.operationIndex()).isEqualTo(1);

    StoreException stale = failure(store.batch(ITEMS, pk, List.of(
        BatchOperation.upsert(doc("n2", new JsonObject())),
        BatchOperation.upsert(doc("n3", new JsonObject())),
        BatchOperation.replace(doc("taken", new JsonObject().put("v", 5)), "stale-etag"))));
    assertThat(stale.kind()).isEqualTo(Kind.PRECONDITION_FAILED);
    assertThat(stale.operationIndex()).isEqualTo(2);

    StoreException missing = failure(store.batch(ITEMS, pk, List.of(BatchOperation.delete("absent", null))));
    assertThat(missing.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(missing.operationIndex()).isZero();
  }

  @Test
  protected void batchWithOneFailingOperationLeavesNothingVisible() throws Exception {
    Document existing = await(store.create(ITEMS, doc("taken", new JsonObject().put("v", 1))));
    StoreException e = failure(store.batch(ITEMS, pk, List.of(
        BatchOperation.create(doc("n1", new JsonObject())),
        BatchOperation.upsert(doc("taken", new JsonObject().put("v", 99))),
        BatchOperation.create(doc("taken", new JsonObject())),
        BatchOperation.create(doc("n2", new JsonObject())))));
    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
    assertThat(e.operationIndex()).isEqualTo(2);
    assertThat(await(store.read(ITEMS, pk, "n1"))).isNull();
    assertThat(await(store.read(ITEMS, pk, "n2"))).isNull();
    Document after = await(store.read(ITEMS, pk, "taken"));
    assertThat(after.etag()).isEqualTo(existing.etag());
    assertThat(after.body().getInteger("v")).isEqualTo(1);

    StoreException stale = failure(store.batch(ITEMS, pk, List.of(
        BatchOperation.create(doc("n3", new JsonObject())),
        BatchOperation.replace(doc("taken", new JsonObject().put("v", 5)), "stale-etag"))));
    assertThat(stale.kind()).isEqualTo(Kind.PRECONDITION_FAILED);
    assertThat(stale.operationIndex()).isEqualTo(1);
    assertThat(await(store.read(ITEMS, pk, "n3"))).isNull();
  }

  @Test
  void batchesOverTheLimitOrAcrossPartitionsAreRefused() throws Exception {
    List<BatchOperation> tooMany = IntStream.range(0, DocumentStore.MAX_BATCH_OPERATIONS + 1)
        .mapToObj(i -> BatchOperation.create(doc("m" + i, new JsonObject()))).toList();
    assertThat(failure(store.batch(ITEMS, pk, tooMany)).kind()).isEqualTo(Kind.INVALID_QUERY);
    assertThat(await(store.read(ITEMS, pk, "m0"))).isNull();
    assertThat(failure(store.batch(ITEMS, pk, List.of())).kind()).isEqualTo(Kind.INVALID_QUERY);

    StoreException crossPartition = failure(store.batch(ITEMS, pk, List.of(
        BatchOperation.create(doc("ok", new JsonObject())),
        BatchOperation.create(Document.of(pk + "-other", "x", new JsonObject())))));
    assertThat(crossPartition.kind()).isEqualTo(Kind.INVALID_ID);
    assertThat(crossPartition.operationIndex()).isEqualTo(1);

    List<BatchOperation> exactlyMax = IntStream.range(0, DocumentStore.MAX_BATCH_OPERATIONS)
        .mapToObj(i -> BatchOperation.create(doc("m" + i, new JsonObject()))).toList();
    assertThat(await(store.batch(ITEMS, pk, exactlyMax))).hasSize(DocumentStore.MAX_BATCH_OPERATIONS);
  }

  // ------------------------------------------------------------ concurrency and threading

  @Test
  void ofTwoConcurrentIfMatchReplacersExactlyOneWins() throws Exception {
    for (int round = 0; round < 5; round++) {
      String id = "race" + round;
      Document v1 = await(store.create(ITEMS, doc(id, new JsonObject().put("owner", "none"))));
      Future<Document> a = store.replace(ITEMS, doc(id, new JsonObject().put("owner", "a")), v1.etag());
      Future<Document> b = store.replace(ITEMS, doc(id, new JsonObject().put("owner", "b")), v1.etag());
      await(Future.join(a, b).otherwiseEmpty());
      assertThat(a.succeeded() ^ b.succeeded()).as("exactly one replace succeeds").isTrue();
      Future<Document> loser = a.succeeded() ? b : a;
      assertThat(((StoreException) loser.cause()).kind()).isEqualTo(Kind.PRECONDITION_FAILED);
      Document winner = a.succeeded() ? a.result() : b.result();
      Document stored = await(store.read(ITEMS, pk, id));
      assertThat(stored.etag()).isEqualTo(winner.etag());
      assertThat(stored.body().getString("owner")).isEqualTo(a.succeeded() ? "a" : "b");
    }
  }

  @Test
  void resultsCompleteOnTheCallersEventLoopContext(VertxTestContext test) {
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      Future<Document> written = store.upsert(ITEMS, doc("ctx", new JsonObject().put("v", 1)));
      written.compose(d -> {
        assertOn(context, test);
        return store.read(ITEMS, pk, "ctx");
      }).compose(d -> {
        assertOn(context, test);
        return store.query(ITEMS, Query.in(pk).build());
      }).compose(page -> {
        assertOn(context, test);
        return store.create(ITEMS, doc("ctx", new JsonObject()));
      }).onComplete(ar -> {
        assertOn(context, test);
        test.verify(() -> assertThat(((StoreException) ar.cause()).kind()).isEqualTo(Kind.CONFLICT));
        test.completeNow();
      });
    });
  }

  private static void assertOn(Context expected, VertxTestContext test) {
    test.verify(() -> {
      assertThat(Vertx.currentContext()).isSameAs(expected);
      assertThat(Context.isOnEventLoopThread()).isTrue();
    });
  }

  @Test
  void aClosedStoreFailsFastAsUnavailable() throws Exception {
    DocumentStore other = await(openStore(vertx, MAX_DOCUMENT_BYTES));
    await(other.ensureContainer(ContainerSpec.of(ITEMS, "symbol", "price", "seq", "_ts")));
    await(other.upsert(ITEMS, doc("c", new JsonObject())));
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Context> closedOn = new CompletableFuture<>();
    context.runOnContext(v -> other.close().onComplete(ar -> closedOn.complete(Vertx.currentContext())));
    assertThat(closedOn.get(30, TimeUnit.SECONDS)).as("close completes on the caller's context").isSameAs(context);
    long start = System.nanoTime();
    assertThat(failure(other.read(ITEMS, pk, "c")).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(failure(other.upsert(ITEMS, doc("c", new JsonObject()))).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(failure(other.query(ITEMS, Query.in(pk).build())).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(failure(other.ping()).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    await(store.ping());
  }

  // ------------------------------------------------------------ helpers

  protected Document doc(String id, JsonObject body) {
    return Document.of(pk, id, body);
  }

  /** Quotes q00.. with seq i, price 100+i, symbol cycling EURUSD/GBPUSD/USDJPY, even = (i % 2 == 0). */
  private void seedQuotes(int n) throws Exception {
    String[] symbols = {"EURUSD", "GBPUSD", "USDJPY"};
    List<Future<Document>> writes = new ArrayList<>();
    // Written out of order so ordering comes from the query, not from insertion order.
    for (int i = n - 1; i >= 0; i--) {
      writes.add(store.upsert(ITEMS, doc(String.format("q%02d", i), new JsonObject().put("seq", i)
          .put("price", 100 + i).put("symbol", symbols[i % 3]).put("even", i % 2 == 0))));
    }
    await(Future.all(writes));
  }

  private List<String> walk(Query.Builder builder) throws Exception {
    List<String> seen = new ArrayList<>();
    Set<String> unique = new HashSet<>();
    String continuation = null;
    int pages = 0;
    do {
      Page page = await(store.query(ITEMS, builder.continuation(continuation).build()));
      for (String id : ids(page.items())) {
        if (!unique.add(id)) fail("duplicate " + id + " across pages");
        seen.add(id);
      }
      continuation = page.continuation();
    } while (continuation != null && ++pages < 20);
    return seen;
  }

  protected static List<String> ids(List<Document> docs) {
    return docs.stream().map(Document::id).toList();
  }

  protected static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) throw cause;
      throw e;
    }
  }

  protected static StoreException failure(Future<?> future) throws Exception {
    try {
      Object result = future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return fail("expected a StoreException, got " + result);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StoreException.class);
      return (StoreException) e.getCause();
    }
  }
}

package io.bourse.store.cosmos;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.DocumentStoreContractTest;
import io.bourse.store.StoreConfig;
import io.bourse.store.StoreException;
import io.bourse.support.CosmosServerFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The store contract on the Cosmos adapter, against a real Cosmos REST protocol server. */
class CosmosDocumentStoreTest extends DocumentStoreContractTest {
  private static CosmosServerFixture server;
  private static final String DATABASE = "contract-" + UUID.randomUUID();

  /** JUnit runs this before the contract's own @AfterAll, which closes the shared store (the client needs no server). */
  @AfterAll
  void stopServer() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void slowCallsAreLoggedWithDiagnosticsAndTheKeyNeverIs() throws Exception {
    DocumentStore slowLogging = await(CosmosDocumentStore.open(vertx, config(1), MAX_DOCUMENT_BYTES));
    try {
      await(slowLogging.ensureContainer(ContainerSpec.of(ITEMS, "symbol", "price", "seq")));
      await(slowLogging.upsert(ITEMS, doc("slow", new JsonObject().put("v", 1))));
    } finally {
      await(slowLogging.close());
    }
    assertThat(watch.messages()).anySatisfy(m -> assertThat(m).startsWith("slow cosmos upsert took")
        .contains("diagnostics"));
    assertThat(watch.messages()).noneSatisfy(m -> assertThat(m).contains(CosmosServerFixture.EMULATOR_KEY));
  }

  @Test
  void throttlingIsRetriedAsConfiguredThenSurfacesAsThrottled() throws Exception {
    DocumentStore twoRetries = await(CosmosDocumentStore.open(vertx, config(2, 10_000, 2_000), MAX_DOCUMENT_BYTES));
    try {
      await(twoRetries.ensureContainer(ContainerSpec.of(ITEMS, "symbol", "price", "seq")));
      await(twoRetries.upsert(ITEMS, doc("t", new JsonObject().put("v", 1))));
      server.failDocumentRequests(429, 2);
      assertThat(await(twoRetries.read(ITEMS, pk, "t")).body().getInteger("v")).isEqualTo(1);
      server.failDocumentRequests(429, 3);
      assertThat(failure(twoRetries.read(ITEMS, pk, "t")).kind()).isEqualTo(StoreException.Kind.THROTTLED);
    } finally {
      server.clearFaults();
      await(twoRetries.close());
    }
  }

  @Test
  void anUnavailableServiceSurfacesAsUnavailable() throws Exception {
    Document written = await(store.upsert(ITEMS, doc("u", new JsonObject())));
    server.failDocumentRequests(503, 1_000);
    try {
      assertThat(failure(store.read(ITEMS, pk, "u")).kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
    } finally {
      server.clearFaults();
    }
    assertThat(await(store.read(ITEMS, pk, "u")).etag()).isEqualTo(written.etag());
  }

  @Test
  void aServerThatDoesNotAnswerInTimeSurfacesAsTimeoutWithinTheBound() throws Exception {
    DocumentStore oneSecond = await(CosmosDocumentStore.open(vertx, config(0, 1_000, 2_000), MAX_DOCUMENT_BYTES));
    try {
      await(oneSecond.ensureContainer(ContainerSpec.of(ITEMS, "symbol", "price", "seq")));
      server.delayDocumentRequests(4_000, 1);
      long start = System.nanoTime();
      assertThat(failure(oneSecond.read(ITEMS, pk, "absent")).kind()).isEqualTo(StoreException.Kind.TIMEOUT);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
    } finally {
      server.clearFaults();
      await(oneSecond.close());
    }
  }

  private static StoreConfig.Cosmos config(int slowCallThresholdMs) {
    return config(9, 10_000, slowCallThresholdMs);
  }

  private static StoreConfig.Cosmos config(int maxThrottleRetries, int requestTimeoutMs, int slowCallThresholdMs) {
    return new StoreConfig.Cosmos(server.endpoint(), CosmosServerFixture.EMULATOR_KEY, DATABASE,
        StoreConfig.ConnectionMode.GATEWAY, true, maxThrottleRetries, 30, requestTimeoutMs, slowCallThresholdMs);
  }

  @Override
  @Test
  @Disabled("server limitation: @vercel/cosmosdb-server 1.0.1 does not implement TTL (items never expire);"
      + " Cosmos itself hides expired items from reads and queries")
  protected void expiredDocumentsAreInvisibleToReadsAndQueries() {
  }

  @Override
  @Test
  @Disabled("server limitation: @vercel/cosmosdb-server 1.0.1 runs batch operations one by one without rollback,"
      + " so operations before the failing one stay written; Cosmos batches are atomic. The failing operation's"
      + " index and kind are still checked by batchFailureNamesTheFailingOperationAndItsKind")
  protected void batchWithOneFailingOperationLeavesNothingVisible() {
  }

  @Override
  protected Future<DocumentStore> openStore(Vertx vertx, int maxDocumentBytes) throws Exception {
    // Started here rather than in a @BeforeAll of this class, which JUnit would run after the contract's.
    if (server == null) server = CosmosServerFixture.start();
    return CosmosDocumentStore.open(vertx, config(2_000), maxDocumentBytes);
  }
}

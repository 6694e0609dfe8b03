package io.bourse.store.cosmos;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.ContainerSpec;
import io.bourse.store.DocumentStore;
import io.bourse.store.DocumentStoreContractTest;
import io.bourse.store.StoreConfig;
import io.bourse.support.CosmosServerFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
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

  private static StoreConfig.Cosmos config(int slowCallThresholdMs) {
    return new StoreConfig.Cosmos(server.endpoint(), CosmosServerFixture.EMULATOR_KEY, DATABASE,
        StoreConfig.ConnectionMode.GATEWAY, true, 9, 30, 10_000, slowCallThresholdMs);
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

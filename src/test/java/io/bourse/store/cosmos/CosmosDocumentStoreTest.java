package io.bourse.store.cosmos;

import io.bourse.store.DocumentStore;
import io.bourse.store.DocumentStoreContractTest;
import io.bourse.store.StoreConfig;
import io.bourse.support.CosmosServerFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The store contract on the Cosmos adapter, against a real Cosmos REST protocol server. */
class CosmosDocumentStoreTest extends DocumentStoreContractTest {
  private static CosmosServerFixture server;
  private static final String DATABASE = "contract-" + UUID.randomUUID();

  /** Runs after the contract's own @AfterAll has closed the stores (subclass callbacks run first otherwise). */
  @AfterAll
  void stopServer() throws Exception {
    if (server != null) server.close();
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
    return CosmosDocumentStore.open(vertx, new StoreConfig.Cosmos(server.endpoint(), CosmosServerFixture.EMULATOR_KEY,
        DATABASE, StoreConfig.ConnectionMode.GATEWAY, true, 9, 30, 10_000, 2_000), maxDocumentBytes);
  }
}

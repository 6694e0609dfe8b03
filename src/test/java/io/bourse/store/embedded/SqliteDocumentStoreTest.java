package io.bourse.store.embedded;

import io.bourse.store.DocumentStore;
import io.bourse.store.DocumentStoreContractTest;
import io.bourse.store.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteDocumentStoreTest extends DocumentStoreContractTest {
  @TempDir
  static Path dir;

  @Override
  protected Future<DocumentStore> openStore(Vertx vertx, int maxDocumentBytes) throws Exception {
    Path storeDir = Files.createTempDirectory(dir, "store");
    return SqliteDocumentStore.open(vertx,
        new StoreConfig.Embedded(storeDir.resolve("nested").resolve("store.db"), StoreConfig.Synchronous.NORMAL, 4),
        maxDocumentBytes);
  }
}

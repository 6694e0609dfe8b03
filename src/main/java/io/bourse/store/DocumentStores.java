package io.bourse.store;

import io.bourse.store.cosmos.CosmosDocumentStore;
import io.bourse.store.embedded.SqliteDocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Picks the store implementation named by configuration. */
public final class DocumentStores {
  private DocumentStores() {}

  public static Future<DocumentStore> create(Vertx vertx, StoreConfig config) {
    return switch (config.kind()) {
      case EMBEDDED -> SqliteDocumentStore.open(vertx, config.embedded(), config.maxDocumentBytes());
      case COSMOS -> CosmosDocumentStore.open(vertx, config.cosmos(), config.maxDocumentBytes());
    };
  }
}

package io.bourse.store.embedded;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * Runs in a separate JVM for {@link SqliteDurabilityTest}: creates documents with unique ids from concurrent lanes,
 * forever, and prints {@code ACK <id> <etag>} for each write only once the store acknowledged it.
 */
public final class DurabilityWriterMain {
  static final int LANES = 32;
  static final String CONTAINER = "durable";

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    Vertx vertx = Vertx.vertx();
    SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(file, StoreConfig.Synchronous.NORMAL, 2), 1 << 20)
        .compose(store -> store.ensureContainer(ContainerSpec.of(CONTAINER)).map(store))
        .onSuccess(store -> {
          System.out.println("READY");
          for (int lane = 0; lane < LANES; lane++) write(store, lane, 0);
        })
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(2);
        });
  }

  private static void write(DocumentStore store, int lane, long n) {
    String id = "l" + lane + "-" + n;
    store.create(CONTAINER, Document.of("p" + lane, id, new JsonObject().put("lane", lane).put("n", n)))
        .onSuccess(doc -> {
          System.out.println("ACK " + doc.partitionKey() + " " + id + " " + doc.etag());
          write(store, lane, n + 1);
        })
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(3);
        });
  }
}

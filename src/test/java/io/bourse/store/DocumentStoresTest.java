package io.bourse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.ConfigProblems;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentStoresTest {
  @TempDir
  Path dataDir;

  @Test
  void embeddedConfigOpensASqliteFileInTheDataDir() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      StoreConfig config = StoreConfig.from(new JsonObject(), dataDir.resolve("fresh").toString(),
          new ConfigProblems());
      DocumentStore store = DocumentStores.create(vertx, config).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      store.ping().compose(v -> store.close()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(dataDir.resolve("fresh").resolve("store.db")).isRegularFile();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void unreachableCosmosFailsAsUnavailable() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      StoreConfig config = StoreConfig.from(new JsonObject().put("kind", "cosmos").put("cosmos", new JsonObject()
          .put("endpoint", "http://127.0.0.1:1/").put("key", "a2V5").put("requestTimeoutMs", 1000)), "./d",
          new ConfigProblems());
      Throwable failure = DocumentStores.create(vertx, config).toCompletionStage().toCompletableFuture()
          .handle((ok, e) -> e).get(120, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(StoreException.class);
      assertThat(((StoreException) failure).kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}

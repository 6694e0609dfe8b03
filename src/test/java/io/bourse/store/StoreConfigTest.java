package io.bourse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreConfigTest {
  private static final String SECRET = "c2VjcmV0LWtleS1ub3QtdG8tbG9n";

  @Test
  void defaultsToAnEmbeddedStoreInTheDataDir() {
    ConfigProblems problems = new ConfigProblems();
    StoreConfig config = StoreConfig.from(null, "/var/bourse", problems);
    assertThat(problems.all()).isEmpty();
    assertThat(config.kind()).isEqualTo(StoreConfig.Kind.EMBEDDED);
    assertThat(config.maxDocumentBytes()).isEqualTo(1_048_576);
    assertThat(config.embedded().file()).isEqualTo(Path.of("/var/bourse", "store.db"));
    assertThat(config.embedded().synchronous()).isEqualTo(StoreConfig.Synchronous.NORMAL);
    assertThat(config.embedded().readPoolSize()).isEqualTo(4);
    assertThat(config.cosmos().database()).isEqualTo("bourse");
    assertThat(config.cosmos().connectionMode()).isEqualTo(StoreConfig.ConnectionMode.GATEWAY);
    assertThat(config.cosmos().createIfMissing()).isTrue();
    assertThat(config.cosmos().maxRetryAttemptsOnThrottled()).isEqualTo(9);
    assertThat(config.cosmos().maxRetryWaitSeconds()).isEqualTo(30);
    assertThat(config.cosmos().requestTimeoutMs()).isEqualTo(5000);
    assertThat(config.cosmos().slowCallThresholdMs()).isEqualTo(200);
  }

  @Test
  void readsEverySetting() {
    ConfigProblems problems = new ConfigProblems();
    StoreConfig config = StoreConfig.from(new JsonObject()
        .put("kind", "cosmos").put("maxDocumentBytes", 2048)
        .put("embedded", new JsonObject().put("synchronous", "FULL").put("readPoolSize", 2))
        .put("cosmos", new JsonObject().put("endpoint", "https://acct.documents.azure.com:443/").put("key", SECRET)
            .put("database", "prod").put("connectionMode", "direct").put("createIfMissing", false)
            .put("maxRetryAttemptsOnThrottled", 3).put("maxRetryWaitSeconds", "10").put("requestTimeoutMs", 1500)
            .put("slowCallThresholdMs", 50)), "./d", problems);
    assertThat(problems.all()).isEmpty();
    assertThat(config.kind()).isEqualTo(StoreConfig.Kind.COSMOS);
    assertThat(config.maxDocumentBytes()).isEqualTo(2048);
    assertThat(config.embedded().synchronous()).isEqualTo(StoreConfig.Synchronous.FULL);
    assertThat(config.embedded().readPoolSize()).isEqualTo(2);
    assertThat(config.cosmos()).isEqualTo(new StoreConfig.Cosmos("https://acct.documents.azure.com:443/", SECRET,
        "prod", StoreConfig.ConnectionMode.DIRECT, false, 3, 10, 1500, 50));
  }

  @Test
  void cosmosNeedsEndpointAndKeyAndEveryProblemNamesItsKey() {
    ConfigProblems problems = new ConfigProblems();
    StoreConfig.from(new JsonObject().put("kind", "cosmos").put("maxDocumentBytes", "lots")
        .put("embedded", new JsonObject().put("synchronous", "OFF"))
        .put("cosmos", new JsonObject().put("connectionMode", "tcp").put("requestTimeoutMs", 0)), "./d", problems);
    assertThat(problems.all()).anySatisfy(p -> assertThat(p).startsWith("store.cosmos.endpoint:"))
        .anySatisfy(p -> assertThat(p).startsWith("store.cosmos.key:"))
        .anySatisfy(p -> assertThat(p).startsWith("store.maxDocumentBytes:"))
        .anySatisfy(p -> assertThat(p).startsWith("store.embedded.synchronous:"))
        .anySatisfy(p -> assertThat(p).startsWith("store.cosmos.connectionMode:"))
        .anySatisfy(p -> assertThat(p).startsWith("store.cosmos.requestTimeoutMs:"))
        .hasSize(6);
  }

  @Test
  void unknownKindIsReported() {
    ConfigProblems problems = new ConfigProblems();
    StoreConfig config = StoreConfig.from(new JsonObject().put("kind", "mongo"), "./d", problems);
    assertThat(problems.all()).singleElement().asString().startsWith("store.kind:");
    assertThat(config.kind()).isEqualTo(StoreConfig.Kind.EMBEDDED);
  }

  @Test
  void theCosmosKeyNeverAppearsInToString() {
    StoreConfig config = StoreConfig.from(new JsonObject().put("kind", "cosmos")
        .put("cosmos", new JsonObject().put("endpoint", "https://x:443/").put("key", SECRET)), "./d",
        new ConfigProblems());
    assertThat(config.toString()).doesNotContain(SECRET).contains("<redacted>").contains("https://x:443/");
    assertThat(config.cosmos().toString()).doesNotContain(SECRET);
  }
}

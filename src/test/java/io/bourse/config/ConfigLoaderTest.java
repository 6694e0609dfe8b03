package io.bourse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private Vertx vertx;

  @BeforeEach
  void setUp() { vertx = Vertx.vertx(); }

  @AfterEach
  void tearDown() { vertx.close().await(); }

  @Test
  void layersDefaultsThenFileThenEnvironment(@TempDir Path dir) throws Exception {
    Path override = dir.resolve("override.json");
    Files.writeString(override, new JsonObject()
        .put("http", new JsonObject().put("port", 7000).put("slowRequestMs", 42))
        .put("redis", new JsonObject().put("url", "redis://from-file:6379")).encode());

    JsonObject loaded = ConfigLoader.load(vertx, override.toString(), Map.of("BOURSE_HTTP_PORT", "7100")).await();
    BourseConfig.Parsed parsed = BourseConfig.parse(loaded);

    assertThat(parsed.problems().all()).isEmpty();
    BourseConfig config = parsed.config();
    assertThat(config.http().port()).as("environment beats the file").isEqualTo(7100);
    assertThat(config.http().slowRequestMs()).as("file beats defaults").isEqualTo(42);
    assertThat(config.http().host()).as("untouched defaults survive the deep merge").isEqualTo("0.0.0.0");
    assertThat(config.redis().url()).isEqualTo("redis://from-file:6379");
    assertThat(config.instancesOf("http")).isEqualTo(2);
  }

  @Test
  void overrideFileNamedByEnvironment(@TempDir Path dir) throws Exception {
    Path override = dir.resolve("ops.json");
    Files.writeString(override, "{\"dataDir\":\"/srv/bourse\"}");
    JsonObject loaded = ConfigLoader.load(vertx, null, Map.of("BOURSE_CONFIG", override.toString())).await();
    assertThat(BourseConfig.parse(loaded).config().dataDir()).isEqualTo("/srv/bourse");
  }

  @Test
  void missingOverrideFileIsAnError(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.load(vertx, dir.resolve("absent.json").toString(), Map.of()).await())
        .isNotNull();
  }

  @Test
  void malformedOverrideFileIsAnError(@TempDir Path dir) throws Exception {
    Path override = dir.resolve("broken.json");
    Files.writeString(override, "{ not json");
    assertThatThrownBy(() -> ConfigLoader.load(vertx, override.toString(), Map.of()).await()).isNotNull();
  }
}

package io.bourse.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BourseConfigTest {

  private static JsonObject defaults() throws Exception {
    return new JsonObject(Files.readString(Path.of("conf/application.json")));
  }

  @Test
  void bundledDefaultsAreValid() throws Exception {
    BourseConfig.Parsed parsed = BourseConfig.parse(defaults());
    assertThat(parsed.problems().all()).isEmpty();
    BourseConfig config = parsed.config();
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo("./data");
    assertThat(config.instancesOf("http")).isEqualTo(2);
    assertThat(config.redis().configured()).isFalse();
    assertThat(config.rateLimits().enabled()).isTrue();
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(new JsonObject().put("http", new JsonObject().put("port", "eighty")), "http.port: must be an integer"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("port", 70000)), "http.port: must be between 0 and 65535"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("port", 80.5)), "http.port: must be an integer"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("host", "")), "http.host: must not be empty"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("maxBodyBytes", 10)), "http.maxBodyBytes: must be between"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("slowRequestMs", -1)), "http.slowRequestMs: must be between"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("shutdownGraceSeconds", "soon")), "http.shutdownGraceSeconds: must be an integer"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("corsAllowedOrigins", new JsonArray().add("javascript:alert(1)"))), "http.corsAllowedOrigins: 'javascript:alert(1)' is not an origin"),
        Arguments.of(new JsonObject().put("http", new JsonObject().put("corsAllowedOrigins", "https://a.example")), "http.corsAllowedOrigins: must be a list"),
        Arguments.of(new JsonObject().put("http", "8080"), "http: must be an object"),
        Arguments.of(new JsonObject().put("verticles", new JsonObject().put("http", new JsonObject().put("instances", 0))), "verticles.http.instances: must be between 1 and 64"),
        Arguments.of(new JsonObject().put("verticles", new JsonObject().put("htp", new JsonObject().put("instances", 2))), "verticles.htp: unknown verticle"),
        Arguments.of(new JsonObject().put("dataDir", ""), "dataDir: must not be empty"),
        Arguments.of(new JsonObject().put("rateLimit", new JsonObject().put("enabled", "maybe")), "rateLimit.enabled: must be true or false"),
        Arguments.of(new JsonObject().put("redis", new JsonObject().put("url", "http://cache:6379")), "redis.url: must start with redis://"),
        Arguments.of(new JsonObject().put("redis", new JsonObject().put("maxPoolSize", 0)), "redis.maxPoolSize: must be between"),
        Arguments.of(new JsonObject().put("kafka", new JsonObject().put("bootstrap", "no port here")), "kafka.bootstrap: must be host:port"),
        Arguments.of(new JsonObject().put("cluster", new JsonObject().put("enabled", 3)), "cluster.enabled: must be true or false"),
        Arguments.of(new JsonObject().put("health", new JsonObject().put("checkTimeoutMs", 1)), "health.checkTimeoutMs: must be between"),
        Arguments.of(new JsonObject().put("store", new JsonObject().put("kind", "oracle")), "store.kind: must be one of"),
        Arguments.of(new JsonObject().put("store", new JsonObject().put("kind", "cosmos")), "store.cosmos.endpoint: is required"),
        Arguments.of(new JsonObject().put("htpp", new JsonObject()), "htpp: unknown key"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void eachBadKeyIsReportedWithItsName(JsonObject override, String expectedProblem) throws Exception {
    BourseConfig.Parsed parsed = BourseConfig.parse(defaults().mergeIn(override, true));
    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.problems().all()).anySatisfy(p -> assertThat(p).startsWith(expectedProblem));
  }

  @Test
  void everyProblemIsReportedInOnePass() throws Exception {
    JsonObject bad = defaults().mergeIn(new JsonObject()
        .put("http", new JsonObject().put("port", "x").put("maxBodyBytes", 1))
        .put("redis", new JsonObject().put("url", "ftp://nope")), true);
    assertThat(BourseConfig.parse(bad).problems().all())
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith("http.port"))
        .anySatisfy(p -> assertThat(p).startsWith("http.maxBodyBytes"))
        .anySatisfy(p -> assertThat(p).startsWith("redis.url"));
  }

  @Test
  void secretsNeverAppearInProblemsOrToString() throws Exception {
    JsonObject json = defaults().mergeIn(new JsonObject()
        .put("redis", new JsonObject().put("url", "redis://:hunter2@cache:6379"))
        .put("store", new JsonObject().put("cosmos", new JsonObject().put("key", "c29zZWNyZXQ=")))
        .put("auth", new JsonObject().put("adminPassword", "correct horse")), true);
    BourseConfig config = BourseConfig.parse(json).config();
    assertThat(config.toString()).doesNotContain("hunter2", "c29zZWNyZXQ=", "correct horse");

    JsonObject badUrl = defaults().mergeIn(new JsonObject()
        .put("redis", new JsonObject().put("url", "http://:hunter2@cache")), true);
    assertThat(String.join("\n", BourseConfig.parse(badUrl).problems().all())).doesNotContain("hunter2");
  }

  @Test
  void environmentVariablesMapOntoTheirKeys() {
    JsonObject env = EnvOverrides.from(Map.of(
        "BOURSE_HTTP_PORT", "9090",
        "BOURSE_DATA_DIR", "/var/lib/bourse",
        "BOURSE_CORS_ORIGINS", "https://a.example, https://b.example",
        "BOURSE_RATE_LIMIT_ENABLED", "false",
        "BOURSE_REDIS_URL", "redis://cache:6379",
        "UNRELATED", "x"));
    assertThat(env.getJsonObject("http").getString("port")).isEqualTo("9090");
    assertThat(env.getString("dataDir")).isEqualTo("/var/lib/bourse");
    assertThat(env.getJsonObject("http").getJsonArray("corsAllowedOrigins"))
        .containsExactly("https://a.example", "https://b.example");
    assertThat(env.getJsonObject("rateLimit").getString("enabled")).isEqualTo("false");
    assertThat(env.fieldNames()).doesNotContain("UNRELATED");
  }
}

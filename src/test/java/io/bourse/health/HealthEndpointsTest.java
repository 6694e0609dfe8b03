package io.bourse.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.RedisServer;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Readiness and per-dependency health against a real redis-server that goes away and comes back. */
class HealthEndpointsTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) redis.close();
  }

  private static HttpResponse<Buffer> get(TestApp app, String path) {
    return app.client.get(path).send().await();
  }

  private static JsonObject redisConfig(String url, boolean required) {
    return new JsonObject().put("redis", new JsonObject().put("url", url).put("required", required))
        .put("health", new JsonObject().put("checkTimeoutMs", 500));
  }

  @Test
  void embeddedDefaultsAreReadyAndUnconfiguredDependenciesReadDisabled() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject())) {
      HttpResponse<Buffer> live = get(app, "/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("healthy");

      HttpResponse<Buffer> ready = get(app, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject body = ready.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("healthy");
      assertThat(body.getString("timestamp")).isNotBlank();
      assertThat(body.getString("version")).isNotBlank();
      assertThat(body.getJsonObject("services").getString("redis")).isEqualTo("disabled");
      assertThat(body.getJsonObject("services").getString("db")).isEqualTo("healthy");

      HttpResponse<Buffer> redisHealth = get(app, "/health/redis");
      assertThat(redisHealth.statusCode()).isEqualTo(200);
      assertThat(redisHealth.bodyAsJsonObject().getString("status")).isEqualTo("disabled");

      HttpResponse<Buffer> unknown = get(app, "/health/mainframe");
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ERR_VAL_004");
    }
  }

  @Test
  void optionalRedisGoingAwayDegradesButKeepsReadyAndRecovers() throws Exception {
    try (TestApp app = TestApp.start(redisConfig(redis.url(), false))) {
      HttpResponse<Buffer> healthy = get(app, "/health/redis");
      assertThat(healthy.statusCode()).isEqualTo(200);
      JsonObject details = healthy.bodyAsJsonObject().getJsonObject("details");
      assertThat(details.getString("status")).isEqualTo("healthy");
      assertThat(details.getString("version")).matches("\\d+\\.\\d+\\.\\d+");
      assertThat(details.getLong("latencyMs")).isNotNull();

      redis.shutdown();
      HttpResponse<Buffer> down = get(app, "/health/redis");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.bodyAsJsonObject().getString("status")).isEqualTo("unhealthy");

      HttpResponse<Buffer> ready = get(app, "/health/ready");
      assertThat(ready.statusCode()).as("Redis is optional here: degraded, still routable").isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("degraded");
      assertThat(ready.bodyAsJsonObject().getJsonObject("services").getString("redis")).isEqualTo("unhealthy");

      redis.launch();
      HttpResponse<Buffer> back = get(app, "/health/redis");
      assertThat(back.statusCode()).as("the pooled client reconnects by itself").isEqualTo(200);
      assertThat(get(app, "/health/ready").bodyAsJsonObject().getString("status")).isEqualTo("healthy");
    }
  }

  @Test
  void requiredRedisDownMakesTheServiceUnready() throws Exception {
    String urlWithPassword = "redis://:s3cret-pw@127.0.0.1:" + redis.port();
    redis.requirePassword("s3cret-pw");
    try (TestApp app = TestApp.start(redisConfig(urlWithPassword, true))) {
      assertThat(get(app, "/health/ready").statusCode()).isEqualTo(200);

      redis.shutdown();
      HttpResponse<Buffer> ready = get(app, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("unhealthy");

      HttpResponse<Buffer> detailed = get(app, "/health/detailed");
      assertThat(detailed.statusCode()).isEqualTo(503);
      JsonObject redisDetail = detailed.bodyAsJsonObject().getJsonObject("services").getJsonObject("redis");
      assertThat(redisDetail.getString("status")).isEqualTo("unhealthy");
      assertThat(redisDetail.getBoolean("critical")).isTrue();
      assertThat(redisDetail.getString("error")).isNotBlank();
      assertThat(detailed.bodyAsString()).doesNotContain("s3cret-pw");
      assertThat(detailed.bodyAsJsonObject().getLong("uptimeSeconds")).isNotNull();
    } finally {
      redis.launch();
    }
  }

  @Test
  void aDependencyThatNeverAnswersReadsDownWithinTheTimeout() throws Exception {
    try (TestApp probe = TestApp.start(new JsonObject())) {
      // Accepts TCP connections and never answers: the worst kind of outage for a probe.
      NetServer silent = probe.vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1").await();
      try (TestApp app = TestApp.start(redisConfig("redis://127.0.0.1:" + silent.actualPort(), true))) {
        long start = System.nanoTime();
        HttpResponse<Buffer> ready = get(app, "/health/ready");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(elapsedMs).as("probe bounded by health.checkTimeoutMs=500").isLessThan(5_000);
      }
    }
  }

  @Test
  void storeDownMakesTheServiceUnreadyAndItsProbeSaysSo() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject())) {
      HttpResponse<Buffer> db = get(app, "/health/db");
      assertThat(db.statusCode()).isEqualTo(200);
      assertThat(db.bodyAsJsonObject().getJsonObject("details").getString("version")).isEqualTo("embedded");

      app.app.store().close().await();
      HttpResponse<Buffer> down = get(app, "/health/db");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.bodyAsJsonObject().getString("status")).isEqualTo("unhealthy");
      HttpResponse<Buffer> ready = get(app, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getJsonObject("services").getString("db")).isEqualTo("unhealthy");
    }
  }

  @Test
  void drainingTurnsReadinessOffBeforeTheServerStops() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject())) {
      app.app.health().markDraining();
      HttpResponse<Buffer> ready = get(app, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getString("reason")).isEqualTo("starting or draining");
      assertThat(get(app, "/health/live").statusCode()).as("still alive while draining").isEqualTo(200);
    }
  }
}

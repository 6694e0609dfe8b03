package io.bourse.http.ratelimit;

import static io.bourse.support.Api.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.RedisServer;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GCRA limits through a real redis-server, the in-process fallback while it is down, and the login limit. */
class RateLimitTest {
  private static final String PASSWORD = "a-long-enough-password";
  private static RedisServer redis;
  private static TestApp app;
  private static Api api;
  private static String operator;
  private static int users;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    JsonObject limits = new JsonObject().put("enabled", true)
        .put("perUser", new JsonObject().put("limit", 5).put("periodSeconds", 60))
        .put("perIp", new JsonObject().put("limit", 100_000).put("periodSeconds", 60))
        .put("login", new JsonObject().put("limit", 3).put("periodSeconds", 300));
    app = TestApp.start(Api.knownAdmin().put("rateLimit", limits)
        .put("redis", new JsonObject().put("url", redis.url()))
        .put("health", new JsonObject().put("checkTimeoutMs", 500)));
    api = new Api(app);
    operator = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
    if (redis != null) redis.close();
  }

  /** A fresh user, so each test starts with a full bucket. */
  private static JsonObject freshUser() {
    String email = "limited" + (++users) + "@rate.test";
    JsonObject user = api.createUser(operator, email, PASSWORD, null, "viewer");
    return user.put("token", api.tokens(email, PASSWORD).getString("accessToken"));
  }

  private static HttpResponse<Buffer> me(JsonObject user) {
    return api.get("/api/v1/me", user.getString("token"));
  }

  private static void exhaust(JsonObject user) {
    for (int i = 5; i > 0; i--) {
      HttpResponse<Buffer> r = me(user);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.getHeader("RateLimit-Limit")).isEqualTo("5");
      assertThat(r.getHeader("RateLimit-Remaining")).isEqualTo(String.valueOf(i - 1));
      assertThat(Long.parseLong(r.getHeader("RateLimit-Reset"))).isBetween(1L, 60L);
    }
    HttpResponse<Buffer> over = me(user);
    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(errorCode(over)).isEqualTo("ERR_RATE_001");
    assertThat(Long.parseLong(over.getHeader("Retry-After"))).isBetween(1L, 12L);
    assertThat(over.getHeader("RateLimit-Remaining")).isEqualTo("0");
  }

  private static String bucketKey(JsonObject user) {
    return "rl:user:" + user.getString("tenantId") + ":" + user.getString("id");
  }

  @Test
  void perUserLimitIsEnforcedThroughRedis() {
    JsonObject user = freshUser();
    exhaust(user);
    assertThat(redis.command("EXISTS", bucketKey(user))).as("the bucket lives in Redis").isEqualTo(":1");
    assertThat(redis.command("PTTL", bucketKey(user))).as("and expires by itself").matches(":\\d+");
  }

  @Test
  void aFlushedScriptCacheFallsBackToEval() {
    assertThat(redis.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
    JsonObject user = freshUser();
    assertThat(me(user).statusCode()).isEqualTo(200);
    assertThat(redis.command("EXISTS", bucketKey(user))).isEqualTo(":1");
  }

  @Test
  void redisGoingAwayFallsBackToInProcessLimitsAndComesBack() throws Exception {
    try {
      redis.shutdown();
      JsonObject user = freshUser();
      // Requests keep flowing, still limited (per node now), and readiness says degraded, not down.
      exhaust(user);
      HttpResponse<Buffer> ready = api.get("/health/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("degraded");
    } finally {
      redis.launch();
    }
    JsonObject after = freshUser();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!":1".equals(redis.command("EXISTS", bucketKey(after))) && System.currentTimeMillis() < deadline) {
      assertThat(me(after).statusCode()).isIn(200, 429);
      Thread.sleep(200);
    }
    assertThat(redis.command("EXISTS", bucketKey(after))).as("shared limits are back on Redis").isEqualTo(":1");
  }

  @Test
  void repeatedWrongPasswordsAreThrottledPerIpAndEmail() {
    String email = "guessed@rate.test";
    api.createUser(operator, email, PASSWORD, null, "viewer");
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> r = api.login(email, "wrong-guess-" + i);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(errorCode(r)).isEqualTo("ERR_AUTH_003");
    }
    HttpResponse<Buffer> blocked = api.login(email, "wrong-guess-3");
    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(errorCode(blocked)).isEqualTo("ERR_RATE_002");
    assertThat(Long.parseLong(blocked.getHeader("Retry-After"))).isGreaterThanOrEqualTo(1L);
    // Throttled before the password is even checked: the right one does not get through either.
    assertThat(api.login(email, PASSWORD).statusCode()).isEqualTo(429);
    // Another account from the same address is unaffected.
    assertThat(api.login(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
  }

  @Test
  void disabledRateLimitingSendsNoHeadersAndNeverThrottles() throws Exception {
    try (TestApp open = TestApp.start(Api.knownAdmin())) {
      Api openApi = new Api(open);
      String token = openApi.adminToken();
      for (int i = 0; i < 20; i++) {
        HttpResponse<Buffer> r = openApi.get("/api/v1/me", token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("RateLimit-Limit")).isNull();
      }
    }
  }
}

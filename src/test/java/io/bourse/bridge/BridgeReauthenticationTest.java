package io.bourse.bridge;

import static io.bourse.bridge.BridgeClient.err;
import static io.bourse.bridge.BridgeClient.rec;
import static io.bourse.bridge.BridgeClient.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.Addresses;
import io.bourse.support.Api;
import io.bourse.support.Jwts;
import io.bourse.support.TestApp;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Re-authentication over an open socket ({@code bridge.auth}), over a raw WebSocket: a fresh token of the same user
 * keeps the socket and its registrations past the old token's expiry; expired, garbage and malformed tokens are
 * answered with an error and change nothing; another user's or tenant's token closes the socket. The token never
 * reaches the event bus.
 */
class BridgeReauthenticationTest {
  static TestApp app;
  static Api api;
  static String adminToken;
  static String adminTenant;
  static String orders;
  static final List<String> authMessages = new CopyOnWriteArrayList<>();
  static final Handler<DeliveryContext<Object>> spy = ctx -> {
    if (Addresses.BRIDGE_AUTH.equals(ctx.message().address())) authMessages.add(String.valueOf(ctx.message().body()));
    ctx.next();
  };

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin());
    api = new Api(app);
    adminToken = api.adminToken();
    adminTenant = Jwts.payload(adminToken).getString("tid");
    orders = Addresses.trading(adminTenant, "orders");
    app.vertx.eventBus().addOutboundInterceptor(spy);
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.vertx.eventBus().removeOutboundInterceptor(spy);
      app.close();
    }
  }

  /** The admin's token with another lifetime (and its own jti), signed with the service's key. */
  private static String adminTokenExpiringIn(long seconds) throws Exception {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = Jwts.payload(adminToken).copy().put("jti", UUID.randomUUID().toString())
        .put("iat", now - 1).put("nbf", now - 1).put("exp", now + seconds);
    return Jwts.rs256(Jwts.privateKey(app.dataDir), Jwts.header(adminToken), claims);
  }

  private static double reauth(String namespace, String outcome) {
    Counter c = app.metrics.registry().find("bourse.bridge.reauthentications").tag("namespace", namespace)
        .tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  private static JsonObject reauthenticate(BridgeClient c, Object body) throws Exception {
    String replyAddress = UUID.randomUUID().toString();
    c.send(Addresses.BRIDGE_AUTH, body, replyAddress);
    return c.await(reply(replyAddress), 5_000);
  }

  @Test
  void aFreshTokenKeepsTheSocketAndItsRegistrationsPastTheOldExpiry() throws Exception {
    double okBefore = reauth("trading", "ok");
    String shortLived = adminTokenExpiringIn(3);
    String fresh = adminTokenExpiringIn(600);
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/trading/websocket?access_token=" + shortLived)) {
      c.register(orders);
      c.awaitRegistered(app.vertx.eventBus(), orders);
      JsonObject answer = reauthenticate(c, new JsonObject().put("accessToken", fresh));
      assertThat(answer).as("answer to bridge.auth").isNotNull();
      assertThat(answer.getString("type")).isEqualTo("rec");
      assertThat(answer.getJsonObject("body").getBoolean("ok")).isTrue();
      assertThat(Instant.parse(answer.getJsonObject("body").getString("expiresAt")))
          .isEqualTo(Instant.ofEpochSecond(Jwts.payload(fresh).getLong("exp")));
      assertThat(reauth("trading", "ok")).isEqualTo(okBefore + 1);

      // Past the first token's expiry (3 s, and the close timer it had): still open, still registered.
      assertThat(c.awaitClose(5_000)).as("closed after the old token's expiry").isNull();
      c.frames.clear();
      app.vertx.eventBus().publish(orders, new JsonObject().put("orderId", "after-refresh"));
      JsonObject got = c.await(rec(orders), 5_000);
      assertThat(got).as("registration survived").isNotNull();
      assertThat(got.getJsonObject("body").getString("orderId")).isEqualTo("after-refresh");
    }
    assertThat(authMessages).as("what reached the bus on bridge.auth").isNotEmpty()
        .allSatisfy(m -> assertThat(m).doesNotContain(fresh).doesNotContain(fresh.substring(fresh.lastIndexOf('.') + 1)));
  }

  @Test
  void expiredGarbageAndMalformedTokensAreRefusedAndChangeNothing() throws Exception {
    double refusedBefore = reauth("trading", "refused");
    String shortLived = adminTokenExpiringIn(4);
    String expired = adminTokenExpiringIn(-100);
    String tampered = adminToken.substring(0, adminToken.length() - 4) + "AAAA";
    JsonObject claims = Jwts.payload(adminTokenExpiringIn(600));
    String unsigned = Jwts.b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode()) + "."
        + Jwts.b64(claims.encode()) + ".";
    String otherKid = Jwts.rs256(Jwts.privateKey(app.dataDir), Jwts.header(adminToken).copy().put("kid", "other"),
        claims);
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/trading/websocket?access_token=" + shortLived)) {
      c.register(orders);
      c.awaitRegistered(app.vertx.eventBus(), orders);
      for (String bad : new String[] {expired, "garbage", tampered, unsigned, otherKid}) {
        JsonObject answer = reauthenticate(c, new JsonObject().put("accessToken", bad));
        assertThat(answer).as("answer").isNotNull();
        assertThat(answer.getString("type")).isEqualTo("err");
        assertThat(answer.getInteger("failureCode")).isEqualTo(401);
        assertThat(answer.getString("message")).isEqualTo("ERR_AUTH_001");
      }
      for (Object malformed : new Object[] {new JsonObject(), new JsonObject().put("token", adminToken),
          new JsonObject().put("accessToken", adminToken).put("extra", 1), "just a string",
          new JsonObject().put("accessToken", 42)}) {
        JsonObject answer = reauthenticate(c, malformed);
        assertThat(answer).as("answer to " + malformed).isNotNull();
        assertThat(answer.getString("type")).isEqualTo("err");
        assertThat(answer.getInteger("failureCode")).isEqualTo(400);
        assertThat(answer.getString("message")).isEqualTo("ERR_VAL_002");
      }
      assertThat(reauth("trading", "refused")).isEqualTo(refusedBefore + 10);
      // Still on its first token: open now, closed at that token's expiry.
      assertThat(c.awaitClose(100)).isNull();
      assertThat(c.awaitClose(8_000)).isEqualTo((short) BridgeSecurity.CLOSE_TOKEN_EXPIRED);
    }
  }

  @Test
  void anotherUsersTokenClosesTheSocket() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    api.createUser(adminToken, "other-" + suffix + "@bourse.test", "other-password-123", null, "admin");
    String otherUser = api.tokens("other-" + suffix + "@bourse.test", "other-password-123").getString("accessToken");
    double closedBefore = reauth("trading", "closed");
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/trading/websocket?access_token=" + adminToken)) {
      c.register(orders);
      c.awaitRegistered(app.vertx.eventBus(), orders);
      c.send(Addresses.BRIDGE_AUTH, new JsonObject().put("accessToken", otherUser), UUID.randomUUID().toString());
      assertThat(c.awaitClose(5_000)).isEqualTo((short) BridgeSecurity.CLOSE_UNAUTHORIZED);
    }
    assertThat(reauth("trading", "closed")).isEqualTo(closedBefore + 1);
  }

  @Test
  void anotherTenantsTokenClosesTheSocket() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    JsonObject tenant = api.post("/api/v1/admin/tenants", adminToken, new JsonObject().put("name", "t-" + suffix))
        .bodyAsJsonObject();
    api.createUser(adminToken, "foreign-" + suffix + "@bourse.test", "foreign-password-123", tenant.getString("id"),
        "admin");
    String foreign = api.tokens("foreign-" + suffix + "@bourse.test", "foreign-password-123").getString("accessToken");
    assertThat(Jwts.payload(foreign).getString("tid")).isNotEqualTo(adminTenant);
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/admin/websocket?access_token=" + adminToken)) {
      c.register(Addresses.ADMIN_ALERTS);
      c.awaitRegistered(app.vertx.eventBus(), Addresses.ADMIN_ALERTS);
      c.send(Addresses.BRIDGE_AUTH, new JsonObject().put("accessToken", foreign), UUID.randomUUID().toString());
      assertThat(c.awaitClose(5_000)).isEqualTo((short) BridgeSecurity.CLOSE_UNAUTHORIZED);
    }
  }

  @Test
  void theAdminBridgeReauthenticatesToo() throws Exception {
    double okBefore = reauth("admin", "ok");
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/admin/websocket?access_token=" + adminToken)) {
      c.register(Addresses.ADMIN_ALERTS);
      c.awaitRegistered(app.vertx.eventBus(), Addresses.ADMIN_ALERTS);
      JsonObject answer = reauthenticate(c, new JsonObject().put("accessToken", adminTokenExpiringIn(600)));
      assertThat(answer.getJsonObject("body").getBoolean("ok")).isTrue();
      assertThat(reauth("admin", "ok")).isEqualTo(okBefore + 1);
    }
  }

  @Test
  void onlyASendIsAccepted() throws Exception {
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/trading/websocket?access_token=" + adminToken)) {
      c.register(orders);
      c.awaitRegistered(app.vertx.eventBus(), orders);
      c.publish(Addresses.BRIDGE_AUTH, new JsonObject().put("accessToken", adminToken));
      assertThat(c.await(err(), 5_000).getString("body")).isEqualTo("rejected");
      // Any other inbound address stays denied.
      c.send(orders, new JsonObject().put("spoof", true), null);
      assertThat(c.await(err(), 5_000).getString("body")).isEqualTo("access_denied");
    }
    // The public bridge has no identity to refresh.
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
      c.send(Addresses.BRIDGE_AUTH, new JsonObject().put("accessToken", adminToken), UUID.randomUUID().toString());
      assertThat(c.await(err(), 5_000).getString("body")).isIn("rejected", "access_denied");
    }
  }
}

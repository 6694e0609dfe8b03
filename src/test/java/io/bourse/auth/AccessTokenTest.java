package io.bourse.auth;

import static io.bourse.support.Api.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.Jwts;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Access tokens against the running service: what is issued, and every way a forged or stale token is refused. */
class AccessTokenTest {
  private static TestApp app;
  private static Api api;
  private static JsonObject login;
  private static String token;
  private static PrivateKey key;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin());
    api = new Api(app);
    login = api.tokens(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
    token = login.getString("accessToken");
    key = Jwts.privateKey(app.dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  private HttpResponse<Buffer> me(String bearer) {
    return api.get("/api/v1/me", bearer);
  }

  private static JsonObject claims() {
    return Jwts.payload(token).copy().put("jti", UUID.randomUUID().toString());
  }

  private static JsonObject header() {
    return Jwts.header(token).copy();
  }

  private void assertRejected(String bearer, String code) {
    HttpResponse<Buffer> r = me(bearer);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(401);
    assertThat(errorCode(r)).isEqualTo(code);
  }

  @Test
  void loginIssuesAnRs256TokenWithTheDocumentedClaimsAndMeAnswers() {
    assertThat(login.getString("tokenType")).isEqualTo("Bearer");
    assertThat(login.getInteger("expiresIn")).isEqualTo(900);
    assertThat(login.getString("refreshToken")).hasSizeGreaterThanOrEqualTo(43);
    JsonObject header = Jwts.header(token);
    assertThat(header.getString("alg")).isEqualTo("RS256");
    assertThat(header.getString("kid")).isNotBlank();
    JsonObject c = Jwts.payload(token);
    assertThat(c.fieldNames()).contains("sub", "tid", "roles", "iss", "aud", "exp", "iat", "jti");
    assertThat(c.getLong("exp") - c.getLong("iat")).isEqualTo(900);
    assertThat(c.getString("tid")).isEqualTo("system");
    assertThat(c.getString("iss")).isEqualTo("bourse");
    assertThat(c.getJsonArray("roles")).containsExactly("admin");

    HttpResponse<Buffer> me = me(token);
    assertThat(me.statusCode()).isEqualTo(200);
    JsonObject body = me.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("id", "email", "tenantId", "roles", "operator");
    assertThat(body.getString("id")).isEqualTo(c.getString("sub"));
    assertThat(body.getString("email")).isEqualTo(Api.ADMIN_EMAIL);
    assertThat(body.getString("tenantId")).isEqualTo("system");
    assertThat(body.getJsonArray("roles")).containsExactly("admin");
  }

  @Test
  void jwksPublishesTheSigningKey() {
    HttpResponse<Buffer> r = api.get("/.well-known/jwks.json", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray keys = r.bodyAsJsonObject().getJsonArray("keys");
    assertThat(keys).hasSize(1);
    JsonObject jwk = keys.getJsonObject(0);
    assertThat(jwk.getString("kty")).isEqualTo("RSA");
    assertThat(jwk.getString("alg")).isEqualTo("RS256");
    assertThat(jwk.getString("kid")).isEqualTo(Jwts.header(token).getString("kid"));
    assertThat(jwk.getString("n")).isNotBlank();
    assertThat(jwk.getString("d")).as("no private parts").isNull();
  }

  @Test
  void signingKeyIsStoredOwnerOnly() throws Exception {
    assertThat(Files.getPosixFilePermissions(app.dataDir.resolve("keys/jwt-private.pem")))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void aTokenSignedHereWithValidClaimsIsAccepted() throws Exception {
    // Control for the forgery cases below: the same hand-made path with nothing wrong is accepted.
    assertThat(me(Jwts.rs256(key, header(), claims())).statusCode()).isEqualTo(200);
  }

  @Test
  void missingOrMalformedCredentialsAreRefused() {
    HttpResponse<Buffer> none = api.get("/api/v1/me", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(errorCode(none)).isEqualTo("ERR_AUTH_002");
    assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");

    HttpResponse<Buffer> basic = api.request(io.vertx.core.http.HttpMethod.GET, "/api/v1/me", null)
        .putHeader("Authorization", "Basic YWRtaW46cGFzcw==").send().await();
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(errorCode(basic)).isEqualTo("ERR_AUTH_002");

    assertRejected("not-a-jwt", "ERR_AUTH_001");
    assertRejected("a.b.c", "ERR_AUTH_001");
    assertRejected(token + ".extra", "ERR_AUTH_001");
  }

  @Test
  void expiredAndNotYetValidTokensAreRefused() throws Exception {
    long now = Instant.now().getEpochSecond();
    assertRejected(Jwts.rs256(key, header(), claims().put("iat", now - 1000).put("nbf", now - 1000)
        .put("exp", now - 100)), "ERR_AUTH_001");
    assertRejected(Jwts.rs256(key, header(), claims().put("nbf", now + 600)), "ERR_AUTH_001");
    assertRejected(Jwts.rs256(key, header(), claims().put("iat", now + 600).put("exp", now + 1200)),
        "ERR_AUTH_001");
    assertRejected(Jwts.rs256(key, header(), claims().put("iat", now).put("exp", now + 86_400)), "ERR_AUTH_001");
    JsonObject noExp = claims();
    noExp.remove("exp");
    assertRejected(Jwts.rs256(key, header(), noExp), "ERR_AUTH_001");
  }

  @Test
  void wrongIssuerOrAudienceIsRefused() throws Exception {
    assertRejected(Jwts.rs256(key, header(), claims().put("iss", "someone-else")), "ERR_AUTH_001");
    assertRejected(Jwts.rs256(key, header(), claims().put("aud", "another-api")), "ERR_AUTH_001");
  }

  @Test
  void algNoneIsRefused() {
    JsonObject h = new JsonObject().put("alg", "none").put("typ", "JWT").put("kid", header().getString("kid"));
    String unsigned = Jwts.b64(h.encode()) + "." + Jwts.b64(claims().encode()) + ".";
    assertRejected(unsigned, "ERR_AUTH_001");
    assertRejected(unsigned.substring(0, unsigned.length() - 1), "ERR_AUTH_001");
  }

  @Test
  void hs256SignedWithThePublicKeyIsRefused() throws Exception {
    byte[] publicPem = Files.readString(app.dataDir.resolve("keys/jwt-public.pem")).getBytes(StandardCharsets.UTF_8);
    assertRejected(Jwts.hs256(publicPem, header().put("alg", "HS256"), claims()), "ERR_AUTH_001");
  }

  @Test
  void unknownKidIsRefused() throws Exception {
    assertRejected(Jwts.rs256(key, header().put("kid", "not-our-key"), claims()), "ERR_AUTH_001");
    JsonObject noKid = header();
    noKid.remove("kid");
    assertRejected(Jwts.rs256(key, noKid, claims()), "ERR_AUTH_001");
  }

  @Test
  void tamperedPayloadIsRefused() {
    String[] parts = token.split("\\.");
    JsonObject escalated = Jwts.payload(token).copy().put("tid", "another-tenant");
    assertRejected(parts[0] + "." + Jwts.b64(escalated.encode()) + "." + parts[2], "ERR_AUTH_001");
    // A flipped signature byte on a token whose unmodified form is cached must still fail.
    assertThat(me(token).statusCode()).isEqualTo(200);
    char last = parts[2].charAt(5);
    String sig = parts[2].substring(0, 5) + (last == 'A' ? 'B' : 'A') + parts[2].substring(6);
    assertRejected(parts[0] + "." + parts[1] + "." + sig, "ERR_AUTH_001");
  }

  @Test
  void everyApiRouteButLoginAndRefreshNeedsAToken() {
    for (String path : new String[] {"/api/v1/me", "/api/v1/admin/users", "/api/v1/admin/tenants",
        "/api/v1/admin/users/some-id"}) {
      HttpResponse<Buffer> r = api.get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
    }
    HttpResponse<Buffer> logout = api.post("/api/v1/auth/logout", null, new JsonObject().put("refreshToken", "x"));
    assertThat(logout.statusCode()).isEqualTo(401);
    assertThat(api.get("/api/v1/does-not-exist", null).statusCode()).as("unknown stays 404").isEqualTo(404);
    // Health stays public.
    assertThat(api.get("/health/live", null).statusCode()).isEqualTo(200);
  }
}

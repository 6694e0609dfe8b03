package io.bourse.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;

/** Small synchronous helpers over a TestApp's web client for the identity endpoints. */
public final class Api {
  public static final String ADMIN_EMAIL = "admin@bourse.test";
  public static final String ADMIN_PASSWORD = "correct-horse-battery-staple";

  private final TestApp app;

  public Api(TestApp app) {
    this.app = app;
  }

  /** Overrides that give the bootstrap admin a known password and take rate limits out of the way. */
  public static JsonObject knownAdmin() {
    return new JsonObject()
        .put("auth", new JsonObject().put("adminEmail", ADMIN_EMAIL).put("adminPassword", ADMIN_PASSWORD))
        .put("rateLimit", new JsonObject().put("enabled", false));
  }

  public HttpResponse<Buffer> login(String email, String password) {
    return post("/api/v1/auth/login", null, new JsonObject().put("email", email).put("password", password));
  }

  /** Logs in and returns the token response, failing the test when login does not answer 200. */
  public JsonObject tokens(String email, String password) {
    HttpResponse<Buffer> r = login(email, password);
    if (r.statusCode() != 200) throw new AssertionError("login failed: " + r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  public String adminToken() {
    return tokens(ADMIN_EMAIL, ADMIN_PASSWORD).getString("accessToken");
  }

  public HttpResponse<Buffer> refresh(String refreshToken) {
    return post("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", refreshToken));
  }

  public HttpResponse<Buffer> get(String path, String bearer) {
    return request(HttpMethod.GET, path, bearer).send().await();
  }

  public HttpResponse<Buffer> post(String path, String bearer, JsonObject body) {
    return request(HttpMethod.POST, path, bearer).sendJsonObject(body).await();
  }

  public HttpResponse<Buffer> patch(String path, String bearer, JsonObject body) {
    return request(HttpMethod.PATCH, path, bearer).sendJsonObject(body).await();
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path, String bearer) {
    HttpRequest<Buffer> r = app.client.request(method, path);
    if (bearer != null) r.putHeader("Authorization", "Bearer " + bearer);
    return r;
  }

  /** Creates a user through the admin API and returns its JSON. */
  public JsonObject createUser(String adminToken, String email, String password, String tenantId, String... roles) {
    JsonObject body = new JsonObject().put("email", email).put("password", password)
        .put("roles", new io.vertx.core.json.JsonArray(java.util.List.of((Object[]) roles)));
    if (tenantId != null) body.put("tenantId", tenantId);
    HttpResponse<Buffer> r = post("/api/v1/admin/users", adminToken, body);
    if (r.statusCode() != 201) throw new AssertionError("create user failed: " + r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  public static String errorCode(HttpResponse<Buffer> r) {
    JsonObject body = r.bodyAsJsonObject();
    return body == null || body.getJsonObject("error") == null ? null : body.getJsonObject("error").getString("code");
  }
}

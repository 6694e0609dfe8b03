package io.bourse.auth;

import static io.bourse.support.Api.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admin users and tenants: roles, tenant isolation, mass-assignment refusal, pagination. */
class AdminApiTest {
  private static final String PASSWORD = "a-long-enough-password";
  private static TestApp app;
  private static Api api;
  private static String operator;
  private static String tenantA;
  private static String tenantB;
  private static String adminA;
  private static String adminB;
  private static JsonObject traderA;
  private static String traderAToken;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin());
    api = new Api(app);
    operator = api.adminToken();
    tenantA = createTenant("Alpha Capital").getString("id");
    tenantB = createTenant("Beta Fund").getString("id");
    api.createUser(operator, "admin@alpha.test", PASSWORD, tenantA, "admin");
    api.createUser(operator, "admin@beta.test", PASSWORD, tenantB, "admin");
    adminA = api.tokens("admin@alpha.test", PASSWORD).getString("accessToken");
    adminB = api.tokens("admin@beta.test", PASSWORD).getString("accessToken");
    traderA = api.createUser(adminA, "trader@alpha.test", PASSWORD, null, "trader");
    traderAToken = api.tokens("trader@alpha.test", PASSWORD).getString("accessToken");
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  private static JsonObject createTenant(String name) {
    HttpResponse<Buffer> r = api.post("/api/v1/admin/tenants", operator, new JsonObject().put("name", name));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  @Test
  void operatorCreatesTenantAndUserAndTheNewUserLogsIn() {
    JsonObject tenant = createTenant("Gamma Partners");
    assertThat(tenant.getString("id")).isNotBlank();
    assertThat(tenant.getString("name")).isEqualTo("Gamma Partners");
    JsonObject user = api.createUser(operator, "  Viewer@Gamma.TEST ", PASSWORD, tenant.getString("id"), "viewer");
    assertThat(user.getString("email")).as("normalized").isEqualTo("viewer@gamma.test");
    assertThat(user.getString("tenantId")).isEqualTo(tenant.getString("id"));
    assertThat(user.getJsonArray("roles")).containsExactly("viewer");
    assertThat(user.fieldNames()).doesNotContain("password", "passwordHash");

    JsonObject session = api.tokens("VIEWER@gamma.test", PASSWORD);
    JsonObject me = api.get("/api/v1/me", session.getString("accessToken")).bodyAsJsonObject();
    assertThat(me.getString("id")).isEqualTo(user.getString("id"));
    assertThat(me.getString("tenantId")).isEqualTo(tenant.getString("id"));

    HttpResponse<Buffer> list = api.get("/api/v1/admin/tenants", operator);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonArray("items").stream()
        .map(t -> ((JsonObject) t).getString("name"))).contains("Gamma Partners", "Alpha Capital", "Operators");
  }

  @Test
  void meSaysWhetherTheCallerIsAnOperator() {
    assertThat(api.get("/api/v1/me", operator).bodyAsJsonObject().getBoolean("operator")).isTrue();
    assertThat(api.get("/api/v1/me", adminA).bodyAsJsonObject().getBoolean("operator")).as("a tenant's own admin").isFalse();
    assertThat(api.get("/api/v1/me", traderAToken).bodyAsJsonObject().getBoolean("operator")).isFalse();
  }

  @Test
  void wrongRoleIsForbidden() {
    HttpResponse<Buffer> r = api.get("/api/v1/admin/users", traderAToken);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(errorCode(r)).isEqualTo("ERR_AUTH_004");
    HttpResponse<Buffer> create = api.post("/api/v1/admin/users", traderAToken, new JsonObject()
        .put("email", "x@alpha.test").put("password", PASSWORD).put("roles", new JsonArray().add("admin")));
    assertThat(create.statusCode()).isEqualTo(403);
    // A tenant admin is not an operator: no tenant management, no users in other tenants.
    assertThat(api.post("/api/v1/admin/tenants", adminA, new JsonObject().put("name", "Mine")).statusCode())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/admin/tenants", adminA).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> cross = api.post("/api/v1/admin/users", adminA, new JsonObject().put("email", "y@beta.test")
        .put("password", PASSWORD).put("roles", new JsonArray().add("admin")).put("tenantId", tenantB));
    assertThat(cross.statusCode()).isEqualTo(403);
  }

  @Test
  void anotherTenantsUserIsNotFound() {
    String id = traderA.getString("id");
    assertThat(api.get("/api/v1/admin/users/" + id, adminA).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> get = api.get("/api/v1/admin/users/" + id, adminB);
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("ERR_NOT_FOUND_002");
    assertThat(get.bodyAsString()).doesNotContain("trader@alpha.test");
    HttpResponse<Buffer> patch = api.patch("/api/v1/admin/users/" + id, adminB,
        new JsonObject().put("disabled", true));
    assertThat(patch.statusCode()).isEqualTo(404);
    assertThat(api.get("/api/v1/me", traderAToken).statusCode()).as("untouched").isEqualTo(200);
    // Listing only ever shows the caller's tenant.
    JsonArray bUsers = api.get("/api/v1/admin/users", adminB).bodyAsJsonObject().getJsonArray("items");
    assertThat(bUsers.stream().map(u -> ((JsonObject) u).getString("tenantId"))).containsOnly(tenantB);
  }

  @Test
  void unknownAndPrivilegedFieldsAreRefused() {
    HttpResponse<Buffer> extra = api.post("/api/v1/admin/users", adminA, new JsonObject().put("email", "z@alpha.test")
        .put("password", PASSWORD).put("roles", new JsonArray().add("viewer")).put("disabled", false)
        .put("passwordHash", "$argon2id$..."));
    assertThat(extra.statusCode()).isEqualTo(400);
    assertThat(errorCode(extra)).isEqualTo("ERR_VAL_003");

    HttpResponse<Buffer> id = api.patch("/api/v1/admin/users/" + traderA.getString("id"), adminA,
        new JsonObject().put("tenantId", tenantB));
    assertThat(id.statusCode()).isEqualTo(400);
    assertThat(errorCode(id)).isEqualTo("ERR_VAL_003");

    HttpResponse<Buffer> role = api.post("/api/v1/admin/users", adminA, new JsonObject().put("email", "r@alpha.test")
        .put("password", PASSWORD).put("roles", new JsonArray().add("superuser")));
    assertThat(role.statusCode()).isEqualTo(400);
    assertThat(errorCode(role)).isEqualTo("ERR_VAL_002");

    HttpResponse<Buffer> login = api.post("/api/v1/auth/login", null, new JsonObject().put("email", "a@b.test")
        .put("password", "x").put("tenantId", tenantA));
    assertThat(errorCode(login)).isEqualTo("ERR_VAL_003");

    HttpResponse<Buffer> tenant = api.post("/api/v1/admin/tenants", operator, new JsonObject().put("name", "T")
        .put("id", "chosen-id"));
    assertThat(errorCode(tenant)).isEqualTo("ERR_VAL_003");

    HttpResponse<Buffer> weak = api.post("/api/v1/admin/users", adminA, new JsonObject().put("email", "w@alpha.test")
        .put("password", "short").put("roles", new JsonArray().add("viewer")));
    assertThat(errorCode(weak)).isEqualTo("ERR_VAL_002");

    HttpResponse<Buffer> badEmail = api.post("/api/v1/admin/users", adminA, new JsonObject().put("email", "no/at")
        .put("password", PASSWORD).put("roles", new JsonArray().add("viewer")));
    assertThat(errorCode(badEmail)).isEqualTo("ERR_VAL_002");
  }

  @Test
  void duplicateEmailIsAConflictAcrossTenants() {
    HttpResponse<Buffer> dup = api.post("/api/v1/admin/users", adminB, new JsonObject()
        .put("email", "TRADER@alpha.test").put("password", PASSWORD).put("roles", new JsonArray().add("viewer")));
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(errorCode(dup)).isEqualTo("ERR_CONFLICT_002");
  }

  @Test
  void rolesChangeTakesEffectWithoutANewToken() {
    JsonObject user = api.createUser(adminA, "promote@alpha.test", PASSWORD, null, "viewer");
    String token = api.tokens("promote@alpha.test", PASSWORD).getString("accessToken");
    assertThat(api.get("/api/v1/admin/users", token).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> patch = api.patch("/api/v1/admin/users/" + user.getString("id"), adminA,
        new JsonObject().put("roles", new JsonArray().add("admin")));
    assertThat(patch.statusCode()).isEqualTo(200);
    assertThat(patch.bodyAsJsonObject().getJsonArray("roles")).containsExactly("admin");
    assertThat(api.get("/api/v1/admin/users", token).statusCode()).isEqualTo(200);
  }

  @Test
  void adminsCannotLockThemselvesOut() {
    String selfId = api.get("/api/v1/me", adminB).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> r = api.patch("/api/v1/admin/users/" + selfId, adminB, new JsonObject().put("disabled", true));
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void usersArePagedWithAnOpaqueCursor() {
    String tenant = createTenant("Paging Ltd").getString("id");
    for (int i = 0; i < 5; i++) {
      api.createUser(operator, "p" + i + "@paging.test", PASSWORD, tenant, "viewer");
    }
    api.createUser(operator, "padmin@paging.test", PASSWORD, tenant, "admin");
    String token = api.tokens("padmin@paging.test", PASSWORD).getString("accessToken");
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> r = api.get("/api/v1/admin/users?limit=4" + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)),
          token);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject page = r.bodyAsJsonObject();
      page.getJsonArray("items").forEach(u -> seen.add(((JsonObject) u).getString("email")));
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).hasSize(6);
    assertThat(pages).isEqualTo(2);
    assertThat(api.get("/api/v1/admin/users?limit=500", token).statusCode()).isEqualTo(400);
  }
}

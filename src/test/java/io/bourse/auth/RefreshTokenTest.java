package io.bourse.auth;

import static io.bourse.support.Api.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Refresh-token rotation, reuse detection (RFC 9700 §4.14), the grace window, logout and disabled users. */
class RefreshTokenTest {
  private static TestApp app;
  private static Api api;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    // A 1 s grace window keeps the "after the grace window" case fast.
    app = TestApp.start(Api.knownAdmin().put("auth", Api.knownAdmin().getJsonObject("auth").copy()
        .put("refreshGraceSeconds", 1)));
    api = new Api(app);
    admin = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) app.close();
  }

  private static int counter;

  private JsonObject newUserSession() {
    String email = "trader" + (++counter) + "@refresh.test";
    api.createUser(admin, email, "a-long-enough-password", null, "trader");
    return api.tokens(email, "a-long-enough-password");
  }

  @Test
  void refreshRotatesAndTheNewTokensWork() {
    JsonObject session = newUserSession();
    HttpResponse<Buffer> r = api.refresh(session.getString("refreshToken"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject next = r.bodyAsJsonObject();
    assertThat(next.getString("tokenType")).isEqualTo("Bearer");
    assertThat(next.getString("refreshToken")).isNotEqualTo(session.getString("refreshToken"));
    assertThat(api.get("/api/v1/me", next.getString("accessToken")).statusCode()).isEqualTo(200);
    // And the successor rotates in turn.
    HttpResponse<Buffer> again = api.refresh(next.getString("refreshToken"));
    assertThat(again.statusCode()).isEqualTo(200);
  }

  @Test
  void reuseAfterTheGraceWindowRevokesTheWholeFamily() throws Exception {
    JsonObject session = newUserSession();
    String first = session.getString("refreshToken");
    String second = api.refresh(first).bodyAsJsonObject().getString("refreshToken");
    Thread.sleep(1500);
    HttpResponse<Buffer> reuse = api.refresh(first);
    assertThat(reuse.statusCode()).isEqualTo(401);
    assertThat(errorCode(reuse)).isEqualTo("ERR_AUTH_005");
    HttpResponse<Buffer> successor = api.refresh(second);
    assertThat(successor.statusCode()).as("the successor dies with its family").isEqualTo(401);
    assertThat(errorCode(successor)).isEqualTo("ERR_AUTH_005");
  }

  @Test
  void reuseOfAnOlderTokenRevokesEvenWithinTheGraceWindow() {
    JsonObject session = newUserSession();
    String first = session.getString("refreshToken");
    String second = api.refresh(first).bodyAsJsonObject().getString("refreshToken");
    String third = api.refresh(second).bodyAsJsonObject().getString("refreshToken");
    assertThat(api.refresh(first).statusCode()).isEqualTo(401);
    assertThat(api.refresh(third).statusCode()).isEqualTo(401);
  }

  @Test
  void withinTheGraceWindowThePreviousTokenGetsTheSameSuccessor() {
    JsonObject session = newUserSession();
    String first = session.getString("refreshToken");
    String second = api.refresh(first).bodyAsJsonObject().getString("refreshToken");
    HttpResponse<Buffer> retry = api.refresh(first);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsJsonObject().getString("refreshToken")).isEqualTo(second);
    assertThat(api.refresh(second).statusCode()).isEqualTo(200);
  }

  @Test
  void concurrentRefreshesOfOneTokenNeverForkTheFamily() {
    JsonObject session = newUserSession();
    String token = session.getString("refreshToken");
    List<Future<HttpResponse<Buffer>>> all = IntStream.range(0, 6).mapToObj(i -> app.client
            .request(HttpMethod.POST, "/api/v1/auth/refresh")
            .sendJsonObject(new JsonObject().put("refreshToken", token)))
        .toList();
    Future.join(all).await();
    List<String> successors = all.stream()
        .filter(f -> f.result().statusCode() == 200)
        .map(f -> f.result().bodyAsJsonObject().getString("refreshToken"))
        .distinct()
        .toList();
    assertThat(successors).as("one successor, however many raced").hasSize(1);
    assertThat(api.refresh(successors.get(0)).statusCode()).isEqualTo(200);
  }

  @Test
  void garbageRefreshTokensAreRefused() {
    for (String bad : new String[] {"x", "00000000-0000-0000-0000-000000000000.abc",
        newUserSession().getString("refreshToken") + "tampered"}) {
      HttpResponse<Buffer> r = api.refresh(bad);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(errorCode(r)).isEqualTo("ERR_AUTH_005");
    }
  }

  @Test
  void logoutRevokesTheFamily() {
    JsonObject session = newUserSession();
    HttpResponse<Buffer> out = api.post("/api/v1/auth/logout", session.getString("accessToken"),
        new JsonObject().put("refreshToken", session.getString("refreshToken")));
    assertThat(out.statusCode()).isEqualTo(204);
    HttpResponse<Buffer> r = api.refresh(session.getString("refreshToken"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(errorCode(r)).isEqualTo("ERR_AUTH_005");
  }

  @Test
  void disabledUserIsRefusedEverywhere() {
    String email = "disabled@refresh.test";
    JsonObject user = api.createUser(admin, email, "a-long-enough-password", null, "viewer");
    JsonObject session = api.tokens(email, "a-long-enough-password");
    assertThat(api.get("/api/v1/me", session.getString("accessToken")).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> patch = api.patch("/api/v1/admin/users/" + user.getString("id"), admin,
        new JsonObject().put("disabled", true));
    assertThat(patch.statusCode()).isEqualTo(200);
    assertThat(patch.bodyAsJsonObject().getBoolean("disabled")).isTrue();

    HttpResponse<Buffer> me = api.get("/api/v1/me", session.getString("accessToken"));
    assertThat(me.statusCode()).isEqualTo(401);
    assertThat(errorCode(me)).isEqualTo("ERR_AUTH_006");
    HttpResponse<Buffer> refresh = api.refresh(session.getString("refreshToken"));
    assertThat(refresh.statusCode()).isEqualTo(401);
    assertThat(errorCode(refresh)).isEqualTo("ERR_AUTH_006");
    HttpResponse<Buffer> login = api.login(email, "a-long-enough-password");
    assertThat(login.statusCode()).isEqualTo(401);
    assertThat(errorCode(login)).isEqualTo("ERR_AUTH_006");
    HttpResponse<Buffer> wrong = api.login(email, "not-the-password");
    assertThat(errorCode(wrong)).as("no hint that the account exists").isEqualTo("ERR_AUTH_003");
  }

  @Test
  void wrongPasswordAndUnknownEmailLookTheSame() {
    HttpResponse<Buffer> wrong = api.login(Api.ADMIN_EMAIL, "definitely-wrong");
    HttpResponse<Buffer> unknown = api.login("nobody@nowhere.test", "definitely-wrong");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(errorCode(wrong)).isEqualTo("ERR_AUTH_003");
    assertThat(errorCode(unknown)).isEqualTo("ERR_AUTH_003");
    assertThat(wrong.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .isEqualTo(unknown.bodyAsJsonObject().getJsonObject("error").getString("message"));
  }
}

package io.bourse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.BourseApp;
import io.bourse.config.BourseConfig;
import io.bourse.metrics.Metrics;
import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bootstrap admin from a fresh data dir: generated password, stored 0600, usable, never regenerated. */
class BootstrapAdminTest {

  /** Starts the service on a given data dir (TestApp makes a fresh one each time; a restart needs the same). */
  private static BourseApp startOn(Vertx vertx, Path dataDir, JsonObject auth) throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/application.json")))
        .mergeIn(new JsonObject().put("dataDir", dataDir.toString())
            .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
            .put("auth", auth), true);
    BourseConfig.Parsed parsed = BourseConfig.parse(json);
    assertThat(parsed.problems().all()).isEmpty();
    return BourseApp.start(vertx, parsed.config(), new Metrics()).await(30, TimeUnit.SECONDS);
  }

  private static int login(Vertx vertx, BourseApp app, String email, String password) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.httpPort()));
    try {
      return client.post("/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("email", email).put("password", password)).await().statusCode();
    } finally {
      client.close();
    }
  }

  private static int me(Vertx vertx, BourseApp app, String token) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.httpPort()));
    try {
      return client.get("/api/v1/me").putHeader("Authorization", "Bearer " + token).send().await().statusCode();
    } finally {
      client.close();
    }
  }

  private static String accessToken(Vertx vertx, BourseApp app) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.httpPort()));
    try {
      return client.post("/api/v1/auth/login").sendJsonObject(new JsonObject().put("email", Api.ADMIN_EMAIL)
          .put("password", Api.ADMIN_PASSWORD)).await().bodyAsJsonObject().getString("accessToken");
    } finally {
      client.close();
    }
  }

  @Test
  void generatedPasswordIsStoredOwnerOnlyPrintedOnceWorksAndSurvivesRestart() throws Exception {
    Path dataDir = Files.createTempDirectory("bourse-bootstrap");
    JsonObject auth = new JsonObject().put("adminEmail", "root@bootstrap.test").put("adminPassword", "");
    Vertx vertx = Vertx.vertx();
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      BourseApp first = startOn(vertx, dataDir, auth);
      System.setErr(originalErr);
      Path file = dataDir.resolve(AuthService.ADMIN_PASSWORD_FILE);
      assertThat(file).exists();
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      String password = Files.readString(file).trim();
      assertThat(password).hasSizeGreaterThanOrEqualTo(20);
      assertThat(captured.toString(StandardCharsets.UTF_8)).contains(password);
      assertThat(login(vertx, first, "root@bootstrap.test", password)).isEqualTo(200);
      first.stop().await(30, TimeUnit.SECONDS);

      captured.reset();
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      BourseApp second = startOn(vertx, dataDir, auth);
      System.setErr(originalErr);
      assertThat(captured.toString(StandardCharsets.UTF_8)).as("printed once only").doesNotContain(password);
      assertThat(Files.readString(file).trim()).as("not regenerated").isEqualTo(password);
      assertThat(login(vertx, second, "root@bootstrap.test", password)).isEqualTo(200);
      second.stop().await(30, TimeUnit.SECONDS);
    } finally {
      System.setErr(originalErr);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void configuredPasswordIsUsedAndNoFileIsWritten() throws Exception {
    try (TestApp app = TestApp.start(Api.knownAdmin())) {
      assertThat(app.dataDir.resolve(AuthService.ADMIN_PASSWORD_FILE)).doesNotExist();
      assertThat(new Api(app).login(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void restartKeepsTheSigningKeySoIssuedTokensStayValid() throws Exception {
    Path dataDir = Files.createTempDirectory("bourse-bootstrap");
    JsonObject auth = new JsonObject().put("adminEmail", Api.ADMIN_EMAIL).put("adminPassword", Api.ADMIN_PASSWORD);
    Vertx vertx = Vertx.vertx();
    try {
      BourseApp first = startOn(vertx, dataDir, auth);
      String publicKey = Files.readString(dataDir.resolve("keys/jwt-public.pem"));
      String token = accessToken(vertx, first);
      first.stop().await(30, TimeUnit.SECONDS);
      BourseApp second = startOn(vertx, dataDir, auth);
      assertThat(Files.readString(dataDir.resolve("keys/jwt-public.pem"))).isEqualTo(publicKey);
      assertThat(me(vertx, second, token)).isEqualTo(200);
      second.stop().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}

package io.bourse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every log line written while tokens and passwords fly around, at DEBUG, contains none of them. */
class SecretsNotLoggedTest {

  @Test
  void tokensAndPasswordsNeverReachTheLogs() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Level previous = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(context);
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> secrets = new ArrayList<>(List.of(Api.ADMIN_PASSWORD, "user-password-123", "wrong-password-456"));
    try (TestApp app = TestApp.start(Api.knownAdmin())) {
      Api api = new Api(app);
      JsonObject admin = api.tokens(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
      secrets.add(admin.getString("accessToken"));
      secrets.add(admin.getString("refreshToken"));
      api.createUser(admin.getString("accessToken"), "logged@secrets.test", "user-password-123", null, "trader");
      api.login("logged@secrets.test", "wrong-password-456");
      JsonObject user = api.tokens("logged@secrets.test", "user-password-123");
      secrets.add(user.getString("accessToken"));
      secrets.add(user.getString("refreshToken"));
      JsonObject rotated = api.refresh(user.getString("refreshToken")).bodyAsJsonObject();
      secrets.add(rotated.getString("refreshToken"));
      secrets.add(rotated.getString("accessToken"));
      // Reuse of a token two rotations back: a WARN line about the family, which must not carry the token.
      String second = api.refresh(admin.getString("refreshToken")).bodyAsJsonObject().getString("refreshToken");
      secrets.add(second);
      secrets.add(api.refresh(second).bodyAsJsonObject().getString("refreshToken"));
      api.refresh(admin.getString("refreshToken"));
      api.get("/api/v1/me", rotated.getString("accessToken") + "x");
      // The bridge takes the token in the URL: neither a good one, a bad one nor a refused one may be logged.
      String bridgeToken = user.getString("accessToken");
      String badToken = bridgeToken.substring(0, bridgeToken.length() - 4) + "AAAA";
      secrets.add(badToken);
      for (String path : List.of("/eventbus/trading/websocket?access_token=" + bridgeToken,
          "/eventbus/trading/websocket?access_token=" + badToken, "/eventbus/admin/websocket?access_token=" + bridgeToken)) {
        io.vertx.core.http.WebSocketClient ws = app.vertx.createWebSocketClient();
        ws.connect(app.port(), "127.0.0.1", path).compose(socket -> socket.writeTextMessage(
                new JsonObject().put("type", "register").put("address", "trading.other.orders").encode())
            .compose(v -> app.vertx.timer(200)).compose(v -> socket.close()))
            .otherwiseEmpty().compose(v -> ws.close()).await();
      }
      // Re-authentication over the open socket (bridge.auth): neither the fresh token nor a refused one is logged.
      String freshToken = api.tokens("logged@secrets.test", "user-password-123").getString("accessToken");
      secrets.add(freshToken);
      io.vertx.core.http.WebSocketClient reauth = app.vertx.createWebSocketClient();
      reauth.connect(app.port(), "127.0.0.1", "/eventbus/trading/websocket?access_token=" + bridgeToken)
          .compose(socket -> socket.writeTextMessage(new JsonObject().put("type", "send").put("address", "bridge.auth")
                  .put("replyAddress", "r-1").put("body", new JsonObject().put("accessToken", freshToken)).encode())
              .compose(v -> socket.writeTextMessage(new JsonObject().put("type", "send").put("address", "bridge.auth")
                  .put("replyAddress", "r-2").put("body", new JsonObject().put("accessToken", badToken)).encode()))
              .compose(v -> app.vertx.timer(300)).compose(v -> socket.close()))
          .otherwiseEmpty().compose(v -> reauth.close()).await();
      // The SockJS HTTP fallbacks carry it in the URL of every request too (own client: SockJS closes the
      // connection of a session it refuses, which must not be a pooled one the logout below would reuse).
      io.vertx.core.http.HttpClient xhr = app.vertx.createHttpClient(
          new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
      for (String token : List.of(bridgeToken, badToken)) {
        xhr.request(io.vertx.core.http.HttpMethod.POST, app.port(), "127.0.0.1",
                "/eventbus/trading/000/" + java.util.UUID.randomUUID().toString().substring(0, 8) + "/xhr?access_token=" + token)
            .compose(req -> req.send()).compose(resp -> resp.body()).otherwiseEmpty().await();
      }
      xhr.close().await();
      api.post("/api/v1/auth/logout", rotated.getString("accessToken"),
          new JsonObject().put("refreshToken", rotated.getString("refreshToken")));
    } finally {
      root.detachAppender(captured);
      root.setLevel(previous);
    }
    assertThat(captured.list).as("something was logged at all").isNotEmpty();
    assertThat(captured.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("reuse detected"));
    for (ILoggingEvent event : captured.list) {
      String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
          : ThrowableProxyUtil.asString(event.getThrowableProxy())) + event.getMDCPropertyMap();
      for (String secret : secrets) {
        // A JWT's signature part alone is enough to identify it; check the secret and its signature.
        String tail = secret.substring(secret.lastIndexOf('.') + 1);
        assertThat(line).doesNotContain(secret);
        if (tail.length() >= 20) assertThat(line).doesNotContain(tail);
      }
    }
  }
}

package io.bourse.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With an allowed origin configured, a page from another origin cannot open a bridge socket (CSWSH). */
class BridgeOriginTest {

  @Test
  void foreignOriginIsRefusedAndTheConfiguredOneAccepted() throws Exception {
    JsonObject overrides = Api.knownAdmin().put("http", new JsonObject()
        .put("corsAllowedOrigins", new JsonArray().add("https://app.bourse.test")));
    try (TestApp app = TestApp.start(overrides)) {
      WebSocketClient client = app.vertx.createWebSocketClient();
      try {
        WebSocketConnectOptions evil = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port())
            .setURI("/eventbus/websocket").addHeader("Origin", "https://evil.example");
        assertThatThrownBy(() -> client.connect(evil).await(10, TimeUnit.SECONDS)).isNotNull();

        WebSocketConnectOptions good = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port())
            .setURI("/eventbus/websocket").addHeader("Origin", "https://app.bourse.test");
        WebSocket ws = client.connect(good).await(10, TimeUnit.SECONDS);
        assertThat(ws.isClosed()).isFalse();
        ws.close().await(5, TimeUnit.SECONDS);
      } finally {
        client.close().await(5, TimeUnit.SECONDS);
      }
    }
  }
}

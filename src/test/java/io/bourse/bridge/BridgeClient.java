package io.bourse.bridge;

import io.bourse.support.TestApp;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A raw-WebSocket bridge client for tests: frames are collected in a queue, the close status is recorded. */
final class BridgeClient implements AutoCloseable {
  final WebSocketClient client;
  final WebSocket ws;
  final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Short> closed = new CompletableFuture<>();

  private BridgeClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    try {
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      ws.binaryMessageHandler(buf -> frames.add(buf.toJsonObject()));
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
    } catch (IllegalStateException alreadyClosed) {
      // A refused socket may be closed by the server before the handlers are set.
    }
    if (ws.isClosed()) closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
  }

  static BridgeClient connect(TestApp app, String path) throws Exception {
    return connect(app, path, new WebSocketClientOptions());
  }

  static BridgeClient connect(TestApp app, String path, WebSocketClientOptions options) throws Exception {
    WebSocketClient client = app.vertx.createWebSocketClient(options);
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port())
        .setURI(path)).await(10, TimeUnit.SECONDS);
    return new BridgeClient(client, ws);
  }

  void register(String address) throws Exception {
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode())
        .await(5, TimeUnit.SECONDS);
  }

  /** A client send, as the vertx-eventbus client frames it; replyAddress may be null. */
  void send(String address, Object body, String replyAddress) throws Exception {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body);
    if (replyAddress != null) frame.put("replyAddress", replyAddress);
    ws.writeTextMessage(frame.encode()).await(5, TimeUnit.SECONDS);
  }

  void publish(String address, Object body) throws Exception {
    ws.writeTextMessage(new JsonObject().put("type", "publish").put("address", address).put("body", body).encode())
        .await(5, TimeUnit.SECONDS);
  }

  /**
   * Registration is asynchronous and unacknowledged: publishes probes ({"probe": i, "seq": -1}) on the address until
   * one arrives, then drops what was received.
   */
  void awaitRegistered(io.vertx.core.eventbus.EventBus bus, String address) throws Exception {
    for (int i = 0; i < 100; i++) {
      bus.publish(address, new JsonObject().put("probe", i).put("seq", -1));
      if (await(rec(address), 100) != null) {
        Thread.sleep(100);
        frames.clear();
        return;
      }
    }
    throw new AssertionError("never registered: " + address);
  }

  /** The next frame matching, or null after the timeout. */
  JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return null;
      JsonObject f = frames.poll(left, TimeUnit.MILLISECONDS);
      if (f == null) return null;
      if (match.test(f)) return f;
    }
  }

  static Predicate<JsonObject> rec(String address) {
    return f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"));
  }

  /** The answer to a request: a rec or err frame addressed to its reply address. */
  static Predicate<JsonObject> reply(String replyAddress) {
    return f -> replyAddress.equals(f.getString("address"));
  }

  static Predicate<JsonObject> err() {
    return f -> "err".equals(f.getString("type"));
  }

  /** The close status, or null if the socket is still open after the timeout. */
  Short awaitClose(long timeoutMs) {
    try {
      return closed.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() throws Exception {
    if (!closed.isDone() && !ws.isClosed()) {
      try {
        ws.close().await(5, TimeUnit.SECONDS);
      } catch (IllegalStateException alreadyClosed) {
        // closed by the server meanwhile
      }
    }
    client.close().await(5, TimeUnit.SECONDS);
  }
}

package io.bourse.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.Jwts;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SockJS HTTP fallbacks (for networks that block WebSocket; the mobile fallback) over raw HTTP: xhr-polling and
 * xhr-streaming still carry market data, and the trading namespace still authenticates the session from the
 * {@code access_token} of the request that opens it. Frames follow the SockJS protocol: {@code o} open, {@code h}
 * heartbeat, {@code a[...]} messages (each a JSON-encoded bridge frame), {@code c[code,"reason"]} close.
 *
 * <p>The request timeout is set far below how long these sessions live, to show that a long poll or a stream is not
 * cut by the API's per-request timeout.
 */
class BridgePollingTransportsTest {
  static TestApp app;
  static HttpClient http;
  static String adminToken;
  static String adminTenant;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Api.knownAdmin().put("http", new JsonObject().put("requestTimeoutMs", 1500)));
    // One connection per request: SockJS closes the connection of a session it closes, and a pooled connection
    // closed under the client would fail the next test's first request for a reason unrelated to the bridge.
    http = app.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    adminToken = new Api(app).adminToken();
    adminTenant = Jwts.payload(adminToken).getString("tid");
  }

  @AfterAll
  static void stop() throws Exception {
    if (http != null) http.close().await(5, TimeUnit.SECONDS);
    if (app != null) app.close();
  }

  private static String session() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  private static String register(String address) {
    return new JsonArray().add(new JsonObject().put("type", "register").put("address", address).encode()).encode();
  }

  private static HttpClientResponseBody post(String uri, String body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(app.port())
        .setURI(uri).setTimeout(30_000);
    return http.request(options).compose(req -> {
      if (body != null) req.putHeader("Content-Type", "text/plain");
      return (body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> new HttpClientResponseBody(resp.statusCode(), b.toString())));
    }).timeout(35, TimeUnit.SECONDS).await();
  }

  record HttpClientResponseBody(int status, String body) {}

  /** The bridge frames inside one SockJS {@code a[...]} frame (or none for o/h/c). */
  private static List<JsonObject> messages(String sockjsFrames) {
    List<JsonObject> out = new ArrayList<>();
    for (String line : sockjsFrames.split("\n")) {
      if (line.startsWith("a[")) {
        for (Object s : new JsonArray(line.substring(1))) out.add(new JsonObject((String) s));
      }
    }
    return out;
  }

  /** Long-polls until a frame matches (or the deadline), returning everything seen. */
  private static List<JsonObject> pollUntil(String base, java.util.function.Predicate<JsonObject> match, long ms) {
    List<JsonObject> seen = new ArrayList<>();
    long deadline = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < deadline) {
      HttpClientResponseBody r = post(base + "/xhr", null);
      assertThat(r.status()).isEqualTo(200);
      if (r.body().startsWith("c[")) {
        seen.add(new JsonObject().put("type", "sockjs-close").put("frame", r.body().trim()));
        return seen;
      }
      List<JsonObject> batch = messages(r.body());
      seen.addAll(batch);
      if (batch.stream().anyMatch(match)) return seen;
    }
    return seen;
  }

  @Test
  void infoAdvertisesTheTransportsWithoutCookies() {
    JsonObject info = app.client.get("/eventbus/info").send().await().bodyAsJsonObject();
    assertThat(info.getBoolean("websocket")).isTrue();
    assertThat(info.getBoolean("cookie_needed")).isFalse();
    JsonObject trading = app.client.get("/eventbus/trading/info").send().await().bodyAsJsonObject();
    assertThat(trading.getBoolean("cookie_needed")).isFalse();
  }

  @Test
  void xhrPollingDeliversMarketDataBeyondTheRequestTimeout() {
    String base = "/eventbus/000/" + session();
    HttpClientResponseBody open = post(base + "/xhr", null);
    assertThat(open.body()).startsWith("o");
    assertThat(post(base + "/xhr_send", register("md.tick.BTC-USD")).status()).isEqualTo(204);
    long start = System.currentTimeMillis();
    List<JsonObject> first = pollUntil(base, BridgeClient.rec("md.tick.BTC-USD"), 15_000);
    assertThat(first).anySatisfy(f -> assertThat(BridgeClient.rec("md.tick.BTC-USD").test(f)).isTrue());
    // Keep polling past http.requestTimeoutMs (1.5 s): the session and its deliveries go on.
    while (System.currentTimeMillis() - start < 3_000) {
      pollUntil(base, BridgeClient.rec("md.tick.BTC-USD"), 1_000);
    }
    List<JsonObject> later = pollUntil(base, BridgeClient.rec("md.tick.BTC-USD"), 15_000);
    assertThat(later).anySatisfy(f -> assertThat(f.getJsonObject("body").getString("symbol")).isEqualTo("BTC-USD"));
  }

  @Test
  void xhrStreamingDeliversMarketDataBeyondTheRequestTimeout() throws Exception {
    String base = "/eventbus/000/" + session();
    LinkedBlockingQueue<String> chunks = new LinkedBlockingQueue<>();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(app.port()).setURI(base + "/xhr_streaming");
    // Handlers set on the event loop as the response arrives, so no chunk is missed.
    HttpClientResponse response = http.request(options).compose(req -> req.send().onSuccess(resp -> {
      resp.handler(b -> chunks.add(b.toString()));
      resp.endHandler(v -> chunks.add("<end>"));
    })).await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    // The stream opens with a 2 KiB 'h' prelude, then "o".
    StringBuilder seen = new StringBuilder();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!seen.toString().contains("o\n") && System.currentTimeMillis() < deadline) {
      String c = chunks.poll(500, TimeUnit.MILLISECONDS);
      if (c != null) seen.append(c);
    }
    assertThat(seen.toString()).contains("o\n");
    assertThat(post(base + "/xhr_send", register("md.tick.BTC-USD")).status()).isEqualTo(204);

    long start = System.currentTimeMillis();
    int ticks = 0;
    int ticksAfterTimeout = 0;
    deadline = start + 20_000;
    StringBuilder pending = new StringBuilder();
    while (System.currentTimeMillis() < deadline && ticksAfterTimeout < 3) {
      String c = chunks.poll(500, TimeUnit.MILLISECONDS);
      if (c == null) continue;
      assertThat(c).as("the stream ended early").isNotEqualTo("<end>");
      pending.append(c);
      int nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        String line = pending.substring(0, nl);
        pending.delete(0, nl + 1);
        for (JsonObject m : messages(line)) {
          if (BridgeClient.rec("md.tick.BTC-USD").test(m)) {
            ticks++;
            if (System.currentTimeMillis() - start > 2_500) ticksAfterTimeout++;
          }
        }
      }
    }
    assertThat(ticks).isGreaterThan(0);
    assertThat(ticksAfterTimeout).as("ticks streamed after http.requestTimeoutMs passed").isGreaterThanOrEqualTo(3);
    response.request().connection().close();
  }

  /**
   * Refused like a WebSocket, but the close reads differently: Vert.x's HTTP-transport sessions always close with
   * SockJS's own {@code c[3000,"Go away!"]} (the 44xx codes exist only on WebSocket), and nothing is ever delivered.
   */
  @Test
  void aWebSocketOutlivesTheRequestTimeoutToo() throws Exception {
    try (BridgeClient c = BridgeClient.connect(app, "/eventbus/websocket")) {
      c.register("md.tick.BTC-USD");
      assertThat(c.await(BridgeClient.rec("md.tick.BTC-USD"), 15_000)).isNotNull();
      long start = System.currentTimeMillis();
      while (System.currentTimeMillis() - start < 2_500) {
        c.ws.writeTextMessage(new JsonObject().put("type", "ping").encode());
        Thread.sleep(250);
      }
      c.frames.clear();
      assertThat(c.await(BridgeClient.rec("md.tick.BTC-USD"), 15_000)).as("ticks after http.requestTimeoutMs").isNotNull();
      assertThat(c.awaitClose(10)).isNull();
    }
  }

  @Test
  void tradingOverXhrRequiresAToken() {
    for (String query : new String[] {"", "?access_token=", "?access_token=garbage"}) {
      String base = "/eventbus/trading/000/" + session();
      String frames = post(base + "/xhr" + query, null).body();
      if (frames.startsWith("o")) {
        // The open frame goes out before the hook refuses; the next poll sees the close.
        frames = post(base + "/xhr" + query, null).body();
      }
      String label = "xhr" + (query.isEmpty() ? " without token" : " with a bad token");
      assertThat(frames).as(label).startsWith("c[3000,");
      // The session is gone: sending to it is a 404, so no registration can happen.
      assertThat(post(base + "/xhr_send", register("trading." + adminTenant + ".orders")).status()).as(label)
          .isEqualTo(404);
    }
  }

  @Test
  void tradingOverXhrWithATokenDeliversOnlyTheOwnTenant() {
    String base = "/eventbus/trading/000/" + session();
    String query = "?access_token=" + adminToken;
    assertThat(post(base + "/xhr" + query, null).body()).startsWith("o");
    String own = "trading." + adminTenant + ".orders";
    assertThat(post(base + "/xhr_send", register(own)).status()).isEqualTo(204);
    assertThat(post(base + "/xhr_send", register("trading.someone-else.orders")).status()).isEqualTo(204);
    List<JsonObject> denied = pollUntil(base, BridgeClient.err(), 10_000);
    assertThat(denied).anySatisfy(f -> {
      assertThat(f.getString("type")).isEqualTo("err");
      assertThat(f.getString("body")).isEqualTo("rejected");
    });
    // An event for the own tenant arrives over polling.
    JsonObject event = new JsonObject().put("accountId", "a-1").put("sequence", 1).put("id", "o-1");
    long timer = app.vertx.setPeriodic(200, id -> app.vertx.eventBus().publish(own, event));
    try {
      List<JsonObject> got = pollUntil(base, BridgeClient.rec(own), 10_000);
      assertThat(got).anySatisfy(f -> assertThat(f.getJsonObject("body").getString("id")).isEqualTo("o-1"));
    } finally {
      app.vertx.cancelTimer(timer);
    }
  }
}

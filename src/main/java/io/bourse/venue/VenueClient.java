package io.bourse.venue;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Venue} over the paper venue's HTTP API and WebSocket stream (works the same against an in-process venue
 * and one in another process).
 *
 * <p>Failures: no answer within {@code requestTimeoutMs}, a connection closed before the answer, or a 5xx to a
 * submit or cancel → {@code ERR_EXT_001} (the outcome is unknown: look the order up before resubmitting); connection
 * refused or a 5xx to a read → {@code ERR_EXT_002}; 429 → {@code ERR_EXT_003}; other 4xx carry the venue's own code.
 * Request futures complete on the caller's context (the Vert.x HTTP client binds each request to the context it is
 * sent from). Report and reconnect handlers run on the context that registered them, in stream order. The stream
 * reconnects with exponential backoff (with jitter) between {@code reconnectInitialMs} and {@code reconnectMaxMs}.
 */
public final class VenueClient implements Venue {
  private static final Logger log = LoggerFactory.getLogger(VenueClient.class);

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final VenueConfig.Client options;
  private final WebClient web;
  private final WebSocketClient webSockets;
  private final Context streamContext;
  private final StreamFilter streamFilter;
  private final Promise<Void> firstConnect = Promise.promise();
  private volatile WebSocket socket;
  private volatile boolean closed;
  private volatile Registered<VenueExecution> reports;
  private volatile Registered<Void> reconnects;
  private int attempts;
  private boolean everConnected;

  private record Registered<T>(Handler<T> handler, Context context) {
    void fire(T value) {
      if (Vertx.currentContext() == context) {
        handler.handle(value);
      } else {
        context.runOnContext(v -> handler.handle(value));
      }
    }
  }

  private VenueClient(Vertx vertx, URI base, VenueConfig.Client options, StreamFilter streamFilter) {
    this.vertx = vertx;
    this.streamFilter = streamFilter;
    this.host = base.getHost();
    this.port = base.getPort();
    this.options = options;
    // The default pool (5 connections) would allow a shard only 5 submits in flight, each holding its connection for
    // the venue's round trip (which includes the venue's fsync).
    this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) options.connectTimeoutMs())
        .setKeepAlive(true).setUserAgent("bourse-venue-client"),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(options.maxConnections()));
    this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) options.connectTimeoutMs()));
    this.streamContext = vertx.getOrCreateContext();
  }

  /**
   * A client for the venue at {@code baseUrl} ({@code http://host:port}). The stream starts connecting at once and
   * keeps reconnecting; {@link #firstConnect()} completes when it first succeeds.
   */
  public static VenueClient create(Vertx vertx, String baseUrl, VenueConfig.Client options) {
    return create(vertx, baseUrl, options, StreamFilter.ALL);
  }

  /** As {@link #create(Vertx, String, VenueConfig.Client)}, with a stream that carries only what {@code filter} keeps. */
  public static VenueClient create(Vertx vertx, String baseUrl, VenueConfig.Client options, StreamFilter filter) {
    URI base = URI.create(baseUrl);
    if (!"http".equalsIgnoreCase(base.getScheme()) || base.getHost() == null || base.getPort() <= 0) {
      throw new IllegalArgumentException("venue URL must be http://host:port, got '" + baseUrl + "'");
    }
    VenueClient client = new VenueClient(vertx, base, options, filter);
    client.streamContext.runOnContext(v -> client.connectStream());
    return client;
  }

  /** Completes when the report stream has connected for the first time. */
  public Future<Void> firstConnect() { return firstConnect.future(); }

  // ---- Venue ------------------------------------------------------------------------------------------------

  @Override
  public Future<VenueOrderState> submit(VenueOrder order) {
    return send(HttpMethod.POST, "/orders", VenueJson.order(order), true).map(r -> mutationAnswer(r, "POST /orders"));
  }

  @Override
  public Future<VenueOrderState> cancel(String accountId, String clientOrderId) {
    return send(HttpMethod.DELETE, orderPath(accountId, clientOrderId), null, true)
        .map(r -> mutationAnswer(r, "DELETE " + orderPath(accountId, clientOrderId)));
  }

  /**
   * The venue's answer to a submit or cancel. A 2xx the client cannot read does not say the request failed: the
   * venue did something, so the outcome is unknown (resolved by lookup), never "rejected".
   */
  private static VenueOrderState mutationAnswer(HttpResponse<Buffer> r, String what) {
    try {
      return VenueJson.stateFromJson(r.bodyAsJsonObject());
    } catch (RuntimeException e) {
      throw new BourseException(ErrorCode.EXT_VENUE_TIMEOUT, "venue answered " + what + " with a body that cannot be"
          + " read; the outcome is unknown", null, e);
    }
  }

  @Override
  public Future<VenueOrderState> lookup(String accountId, String clientOrderId) {
    return send(HttpMethod.GET, orderPath(accountId, clientOrderId), null, false)
        .map(r -> r == null ? null : VenueJson.stateFromJson(json(r)));
  }

  @Override
  public Future<List<VenueOrderState>> openOrders(String accountId) {
    return send(HttpMethod.GET, "/accounts/" + enc(accountId) + "/orders?open=true", null, false)
        .map(r -> VenueJson.statesFromJson(json(r)));
  }

  @Override
  public Future<ExecutionPage> executions(String accountId, long afterSequence, int limit) {
    return send(HttpMethod.GET, "/accounts/" + enc(accountId) + "/executions?after=" + afterSequence + "&limit="
        + limit, null, false).map(r -> VenueJson.executionPageFromJson(json(r)));
  }

  @Override
  public Future<VenueAccount> account(String accountId) {
    return send(HttpMethod.GET, "/accounts/" + enc(accountId), null, false)
        .map(r -> VenueJson.accountFromJson(json(r)));
  }

  /**
   * The venue's {@code GET /health}: {@code {"status":"healthy",...}}, for Bourse's {@code /health/venue}. Fails with
   * {@code ERR_EXT_002} when the venue is down or its journal failed.
   */
  public Future<JsonObject> health() {
    return send(HttpMethod.GET, "/health", null, false).map(VenueClient::json);
  }

  @Override
  public void reports(Handler<VenueExecution> handler) {
    reports = new Registered<>(handler, vertx.getOrCreateContext());
  }

  @Override
  public void onReconnect(Handler<Void> handler) {
    reconnects = new Registered<>(handler, vertx.getOrCreateContext());
  }

  @Override
  public boolean connected() {
    WebSocket ws = socket;
    return ws != null && !ws.isClosed();
  }

  @Override
  public void markPrice(String symbol, BigDecimal price, Instant at) {
    WebSocket ws = socket;
    if (ws == null || ws.isClosed()) return;
    ws.writeTextMessage(VenueJson.price(symbol, price, at).encode())
        .onFailure(e -> log.debug("Mark price for {} not sent: {}", symbol, e.toString()));
  }

  @Override
  public Future<Void> close() {
    closed = true;
    WebSocket ws = socket;
    Future<Void> wsClosed = ws == null ? Future.succeededFuture() : ws.close().recover(e -> Future.succeededFuture());
    return wsClosed.eventually(webSockets::close).eventually(() -> {
      web.close();
      return Future.succeededFuture();
    }).mapEmpty();
  }

  // ---- HTTP -------------------------------------------------------------------------------------------------

  /** Sends one request; completes with the response, or null for a 404 "no such order" (ERR_NOT_FOUND_002). */
  private Future<HttpResponse<Buffer>> send(HttpMethod method, String uri, JsonObject body, boolean mutating) {
    var request = web.request(method, port, host, uri).timeout(options.requestTimeoutMs());
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    return sent.recover(e -> Future.failedFuture(transportFailure(e, method, uri, mutating)))
        .compose(r -> answer(r, method, uri, mutating));
  }

  private Future<HttpResponse<Buffer>> answer(HttpResponse<Buffer> r, HttpMethod method, String uri, boolean mutating) {
    int status = r.statusCode();
    if (status >= 200 && status < 300) return Future.succeededFuture(r);
    JsonObject error = errorOf(r);
    String code = error.getString("code", "");
    String message = "venue answered " + status + " to " + method + " " + uri + ": " + error.getString("message", "");
    if (status == 404 && ErrorCode.NOT_FOUND_RESOURCE.code().equals(code) && method == HttpMethod.GET) {
      return Future.succeededFuture(null);
    }
    if (status == 429) return Future.failedFuture(new BourseException(ErrorCode.EXT_VENUE_QUOTA, message));
    if (status >= 500) {
      // A submit or cancel the venue failed on may still have happened: the outcome is unknown.
      return Future.failedFuture(new BourseException(mutating ? ErrorCode.EXT_VENUE_TIMEOUT
          : ErrorCode.EXT_VENUE_UNAVAILABLE, message));
    }
    ErrorCode mapped = ErrorCode.VAL_SCHEMA;
    for (ErrorCode c : ErrorCode.values()) {
      if (c.code().equals(code)) mapped = c;
    }
    return Future.failedFuture(new BourseException(mapped, message, error.getJsonArray("details")));
  }

  private BourseException transportFailure(Throwable e, HttpMethod method, String uri, boolean mutating) {
    String what = method + " " + uri;
    if (e instanceof TimeoutException) {
      return new BourseException(ErrorCode.EXT_VENUE_TIMEOUT, "venue did not answer " + what + " within "
          + options.requestTimeoutMs() + " ms; the outcome is unknown", null, e);
    }
    if (e instanceof ConnectException) {
      return new BourseException(ErrorCode.EXT_VENUE_UNAVAILABLE, "venue at " + host + ":" + port
          + " is unreachable (" + e.getMessage() + "); " + what + " was not sent", null, e);
    }
    if (mutating) {
      // Only a refused connection proves the request never reached the venue; after anything else (closed, reset,
      // broken pipe half-way through) the venue may have acted on it.
      return new BourseException(ErrorCode.EXT_VENUE_TIMEOUT, "venue request " + what + " failed before its answer ("
          + e + "); the outcome is unknown", null, e);
    }
    return new BourseException(ErrorCode.EXT_VENUE_UNAVAILABLE, "venue request " + what + " failed: " + e, null, e);
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new BourseException(ErrorCode.EXT_VENUE_UNAVAILABLE, "venue answered with a body that is not JSON");
    }
  }

  private static JsonObject errorOf(HttpResponse<Buffer> r) {
    try {
      JsonObject body = r.bodyAsJsonObject();
      JsonObject error = body == null ? null : body.getJsonObject("error");
      return error == null ? new JsonObject() : error;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static String orderPath(String accountId, String clientOrderId) {
    return "/accounts/" + enc(accountId) + "/orders/" + enc(clientOrderId);
  }

  private static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- the stream -------------------------------------------------------------------------------------------

  private void connectStream() {
    if (closed) return;
    webSockets.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/stream" + streamFilter.query())
            .setTimeout(options.connectTimeoutMs()))
        .onSuccess(ws -> {
          if (closed) {
            ws.close();
            return;
          }
          boolean again = everConnected || attempts > 0;
          everConnected = true;
          attempts = 0;
          ws.textMessageHandler(this::onMessage);
          ws.closeHandler(v -> {
            socket = null;
            log.info("Venue stream to {}:{} closed; reconnecting", host, port);
            reconnectLater();
          });
          socket = ws;
          firstConnect.tryComplete();
          if (again) {
            log.info("Venue stream to {}:{} re-established", host, port);
            Registered<Void> r = reconnects;
            if (r != null) r.fire(null);
          }
        })
        .onFailure(e -> {
          log.debug("Venue stream to {}:{} failed: {}", host, port, e.toString());
          reconnectLater();
        });
  }

  private void reconnectLater() {
    if (closed) return;
    long base = Math.min(options.reconnectMaxMs(),
        options.reconnectInitialMs() * (1L << Math.min(attempts, 20)));
    long delay = Math.max(1, (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    attempts++;
    vertx.setTimer(delay, id -> connectStream());
  }

  private void onMessage(String text) {
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException e) {
      log.warn("Venue stream sent a message that is not JSON");
      return;
    }
    String type = message.getString("type", "");
    if (type.equals("execution")) {
      Registered<VenueExecution> r = reports;
      if (r != null) r.fire(VenueJson.executionFromJson(message));
    } else if (type.equals("executions")) {
      Registered<VenueExecution> r = reports;
      if (r == null) return;
      for (Object item : message.getJsonArray("items", new io.vertx.core.json.JsonArray())) {
        if (item instanceof JsonObject execution) r.fire(VenueJson.executionFromJson(execution));
      }
    } else if (type.equals("error")) {
      log.warn("Venue stream refused a message: {}", message.getJsonObject("error"));
    }
  }
}

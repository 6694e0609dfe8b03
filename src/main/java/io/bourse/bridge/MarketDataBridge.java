package io.bourse.bridge;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public market-data bridge ({@code /eventbus}), with node-local fan-out: per event loop one event-bus consumer per
 * subscribed address, whose message is encoded once and written to every socket of this loop that registered it.
 *
 * <p>Why not the stock SockJS bridge ({@code SockJSHandler.bridge}) as on the authenticated namespaces: it registers
 * one event-bus consumer per socket and address, so a tick for 1,000 subscribed browsers was 1,000 deliveries — each
 * a task handed to the socket's event loop, a copy of the body, the bridge's permitted-address match, a new envelope
 * encoded for that socket, a hook call — and 1,000 cluster-wide subscriptions when clustered (style.md §7.1 suggests
 * node-local fan-out for exactly this). The public namespace needs little of the bridge: no identity, no sends, no
 * replies. So this handler speaks the same frame protocol itself (vertx-eventbus: {@code register},
 * {@code unregister}, {@code ping}; answers {@code rec} and {@code err} frames with the bridge's own error strings)
 * and keeps every rule the bridge and its hook enforced there:
 * <ul>
 *   <li>deny by default: only addresses matching the namespace's anchored regexes ({@link BridgeNamespace#PUBLIC})
 *   may be registered ({@code access_denied}, counted as a denied registration); sends and publishes are
 *   {@code rejected};</li>
 *   <li>at most {@link BridgeLimits#maxHandlersPerSocket()} addresses ({@code max_handlers_reached}), addresses up to
 *   {@link BridgeLimits#maxAddressLength()} ({@code max_address_length_reached}), each once
 *   ({@code address_already_registered});</li>
 *   <li>a socket that sends no ping for {@link BridgeLimits#pingTimeoutMs()} is closed, one that registers nothing
 *   within {@link BridgeLimits#registerTimeoutMs()} is closed with 4400;</li>
 *   <li>a slow client is conflated to the latest frame per address ({@link Outbox}); the same meters.</li>
 * </ul>
 * Market data is still published on its own addresses ({@code md.tick.<SYMBOL>}, {@code md.candle.<i>.<SYMBOL>}):
 * anything published there reaches the subscribed browsers, from this node or (clustered) another. One instance per
 * router, so per event loop; all its state is used on that loop only.
 */
final class MarketDataBridge implements Handler<SockJSSocket> {
  private static final Logger log = LoggerFactory.getLogger(MarketDataBridge.class);
  private static final BridgeNamespace NS = BridgeNamespace.PUBLIC;

  private final Vertx vertx;
  private final BridgeMetrics metrics;
  private final BridgeLimits limits;
  private final Map<SockJSSocket, Client> clients = new HashMap<>();
  private final Map<String, Subscription> subscriptions = new HashMap<>();

  MarketDataBridge(Vertx vertx, BridgeMetrics metrics, BridgeLimits limits) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.limits = limits;
  }

  /** One socket: what it registered, its timers, its outbox. */
  private static final class Client {
    final SockJSSocket sock;
    final Outbox outbox;
    final Set<String> addresses = new LinkedHashSet<>();
    long lastPing = System.currentTimeMillis();
    long pingTimer = -1;
    long registerTimer = -1;
    boolean closing;

    Client(SockJSSocket sock, Outbox outbox) {
      this.sock = sock;
      this.outbox = outbox;
    }
  }

  /** One address subscribed on this loop: its sockets, in registration order, and the one consumer feeding them. */
  private static final class Subscription {
    final Set<Client> clients = new LinkedHashSet<>();
    /**
     * The sockets as an array, rebuilt on (rare) changes: every message iterates it, and a socket that closes while
     * a message is being written to the others must not change what that loop walks over.
     */
    Client[] snapshot = new Client[0];
    MessageConsumer<Object> consumer;

    void add(Client c) {
      if (clients.add(c)) snapshot = clients.toArray(new Client[0]);
    }

    void remove(Client c) {
      if (clients.remove(c)) snapshot = clients.toArray(new Client[0]);
    }
  }

  @Override
  public void handle(SockJSSocket sock) {
    Client c = new Client(sock, new Outbox(sock, NS, metrics, limits));
    clients.put(sock, c);
    metrics.opened(NS);
    // Like the bridge: checked every pingTimeout, closed once a whole period passed without a ping.
    c.pingTimer = vertx.setPeriodic(limits.pingTimeoutMs(), id -> {
      if (System.currentTimeMillis() - c.lastPing >= limits.pingTimeoutMs()) close(c, -1, null);
    });
    // A socket that never subscribes to anything only costs us a connection: close it.
    c.registerTimer = vertx.setTimer(limits.registerTimeoutMs(), id -> {
      c.registerTimer = -1;
      close(c, BridgeSecurity.CLOSE_IDLE, "no_registration");
    });
    sock.handler(data -> onFrame(c, data));
    sock.endHandler(v -> release(c));
    sock.exceptionHandler(e -> release(c));
  }

  private void onFrame(Client c, Buffer data) {
    if (c.closing) return;
    JsonObject msg;
    try {
      msg = new JsonObject(data.toString());
    } catch (RuntimeException e) {
      error(c, "invalid_json");
      return;
    }
    if (!(msg.getValue("type") instanceof String type)) {
      error(c, "missing_type");
      return;
    }
    if (type.equals("ping")) {
      c.lastPing = System.currentTimeMillis();
      return;
    }
    if (!(msg.getValue("address") instanceof String address)) {
      error(c, "missing_address");
      return;
    }
    switch (type) {
      case "register" -> register(c, address);
      case "unregister" -> unregister(c, address);
      // Deny by default: nothing may be sent into the bus from the public bridge.
      case "send", "publish" -> error(c, "rejected");
      default -> error(c, "invalid_type");
    }
  }

  /** The bridge's checks, in the bridge's order. */
  private void register(Client c, String address) {
    if (c.addresses.size() >= limits.maxHandlersPerSocket()) {
      error(c, "max_handlers_reached");
    } else if (address.length() > limits.maxAddressLength()) {
      error(c, "max_address_length_reached");
    } else if (!NS.permits(address)) {
      metrics.denied(NS);
      error(c, "access_denied");
    } else if (!c.addresses.add(address)) {
      error(c, "address_already_registered");
    } else {
      if (c.registerTimer >= 0) {
        vertx.cancelTimer(c.registerTimer);
        c.registerTimer = -1;
      }
      subscribe(c, address);
    }
  }

  private void unregister(Client c, String address) {
    if (!NS.permits(address)) {
      error(c, "access_denied");
    } else if (c.addresses.remove(address)) {
      unsubscribe(c, address);
    }
  }

  private void subscribe(Client c, String address) {
    Subscription sub = subscriptions.get(address);
    if (sub == null) {
      Subscription created = new Subscription();
      // A clustered consumer (not a local one): market data published on another node reaches this one too. One per
      // address and event loop, however many sockets follow the address here.
      created.consumer = vertx.eventBus().consumer(address, m -> deliver(address, created, m));
      subscriptions.put(address, created);
      sub = created;
    }
    sub.add(c);
  }

  private void unsubscribe(Client c, String address) {
    Subscription sub = subscriptions.get(address);
    if (sub == null) return;
    sub.remove(c);
    if (sub.clients.isEmpty()) {
      subscriptions.remove(address);
      sub.consumer.unregister();
    }
  }

  /** One message, encoded once, to every socket of this loop that follows the address. */
  private void deliver(String address, Subscription sub, Message<Object> m) {
    Buffer frame;
    try {
      frame = frame(address, m);
    } catch (RuntimeException e) {
      // Not JSON-encodable (nothing Bourse publishes here): the bridge could not have sent it either.
      log.warn("Undeliverable message on {}: {}", address, e.toString());
      return;
    }
    for (Client c : sub.snapshot) {
      // False only when conflation is configured off and the client's bounded queue overflowed.
      if (!c.closing && !c.outbox.offer(address, frame)) close(c, BridgeSecurity.CLOSE_SLOW_CONSUMER, "slow_consumer");
    }
  }

  /**
   * The {@code rec} frame the bridge would have built: {@code type}, {@code address}, {@code body}, and the message's
   * headers if it has any. Encoded once per message on this loop, then the same bytes go to every socket (each write
   * reads the Buffer through its own slice).
   */
  static Buffer frame(String address, Message<Object> m) {
    MultiMap headers = m.headers();
    return envelope(address, m.body(), headers == null || headers.isEmpty() ? null : headers);
  }

  private static Buffer envelope(String address, Object body, MultiMap headers) {
    JsonObject envelope = new JsonObject().put("type", "rec").put("address", address).put("body", body);
    if (headers != null) {
      JsonObject h = new JsonObject();
      for (String name : headers.names()) {
        List<String> values = headers.getAll(name);
        h.put(name, values.size() == 1 ? values.get(0) : values);
      }
      envelope.put("headers", h);
    }
    return Buffer.buffer(envelope.encode());
  }

  /** An error frame, as the bridge writes them: control frames bypass the outbox, like the bridge's own. */
  private static void error(Client c, String body) {
    c.sock.write(Buffer.buffer(new JsonObject().put("type", "err").put("body", body).encode()));
  }

  /** Closes with a code, or (code -1) plainly, as the bridge does on a missing ping. */
  private void close(Client c, int code, String reason) {
    if (c.closing) return;
    c.closing = true;
    c.outbox.close();
    if (code < 0) {
      c.sock.close();
    } else {
      c.sock.close(code, reason);
    }
    release(c);
  }

  /** Forgets a socket; idempotent (close, end and exception may all lead here). */
  private void release(Client c) {
    if (clients.remove(c.sock) == null) return;
    c.closing = true;
    metrics.closed(NS);
    c.outbox.close();
    vertx.cancelTimer(c.pingTimer);
    if (c.registerTimer >= 0) vertx.cancelTimer(c.registerTimer);
    for (String address : c.addresses) unsubscribe(c, address);
    c.addresses.clear();
  }
}

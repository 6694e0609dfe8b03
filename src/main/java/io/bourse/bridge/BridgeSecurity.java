package io.bourse.bridge;

import io.vertx.core.Future;
import java.util.function.Function;
import io.bourse.auth.Principal;
import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge event hook of one authenticated namespace ({@code /eventbus/trading}, {@code /eventbus/admin}; the public
 * one is {@link MarketDataBridge}) on one router (so on one event loop: every event of a socket arrives on the
 * context that accepted it, and the per-socket state below needs no locking).
 *
 * <p>It authenticates the socket once at creation from the {@code access_token} query parameter (browsers cannot set
 * headers on a WebSocket), keeps the principal per socket, enforces tenant and role on every REGISTER, overwrites any
 * client-supplied headers on SEND/PUBLISH, closes the socket when its token expires unless the client moved it onto a
 * fresh token first ({@link #onReauthenticate}), and bounds what a slow client can make the server hold (see
 * {@link #onReceive}). The URL and tokens are never logged: the URL carries the token.
 */
final class BridgeSecurity implements Handler<BridgeEvent> {
  private static final Logger log = LoggerFactory.getLogger(BridgeSecurity.class);
  /** WebSocket close codes in the private range (4000-4999), so clients can tell why they were dropped. */
  static final int CLOSE_UNAUTHORIZED = 4403;
  static final int CLOSE_TOKEN_EXPIRED = 4401;
  static final int CLOSE_SLOW_CONSUMER = 4408;
  static final int CLOSE_IDLE = 4400;
  /** How often an open socket's stored user is read again at most (the user cache holds it 5 s anyway). */
  private static final long RECHECK_NANOS = 5_000_000_000L;

  private final Vertx vertx;
  private final BridgeNamespace ns;
  private final Function<String, Future<Principal>> authenticator;
  private final BridgeMetrics metrics;
  private final BridgeLimits limits;
  private final Map<SockJSSocket, SocketState> sockets = new HashMap<>();
  /** The tenant whose admins are the operators: the admin namespace carries every tenant's operator events. */
  private final String operatorTenant;

  BridgeSecurity(Vertx vertx, BridgeNamespace ns, Function<String, Future<Principal>> authenticator, BridgeMetrics metrics,
      BridgeLimits limits, String operatorTenant) {
    if (!ns.authenticated()) throw new IllegalArgumentException("the public namespace is MarketDataBridge's");
    this.vertx = vertx;
    this.ns = ns;
    this.operatorTenant = operatorTenant;
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.limits = limits;
  }

  /** What the hook keeps per socket: who it is, its timers, and what is held back while the client is behind. */
  private static final class SocketState {
    /** Replaced (same user and tenant) when the client re-authenticates with a fresh token. */
    Principal principal;
    /** The token the socket runs on, kept to re-check the stored user (never logged). */
    String token;
    /** When the stored user was last re-checked ({@link #recheck}), System.nanoTime. */
    long checkedAtNanos = System.nanoTime();
    final Outbox outbox;
    long expiryTimer = -1;
    long registerTimer = -1;
    boolean closing;

    SocketState(Principal principal, String token, Outbox outbox) {
      this.principal = principal;
      this.token = token;
      this.outbox = outbox;
    }
  }

  @Override
  public void handle(BridgeEvent be) {
    try {
      switch (be.type()) {
        case SOCKET_CREATED -> onCreated(be);
        case SOCKET_CLOSED -> {
          release(be.socket());
          be.tryComplete(true);
        }
        case REGISTER -> onRegister(be);
        case SEND, PUBLISH -> onSend(be);
        case RECEIVE -> onReceive(be);
        case SOCKET_PING -> {
          SocketState s = sockets.get(be.socket());
          if (s != null) recheck(be.socket(), s);
          be.tryComplete(true);
        }
        // UNREGISTER, SOCKET_IDLE, SOCKET_ERROR: nothing to decide.
        default -> be.tryComplete(true);
      }
    } catch (RuntimeException e) {
      // A hook that never completes leaves the client hanging; deny instead.
      log.warn("Bridge hook failed on {} ({}): {}", be.type(), ns.tag(), e.toString());
      be.tryComplete(false);
    }
  }

  private void onCreated(BridgeEvent be) {
    SockJSSocket sock = be.socket();
    String token = accessToken(sock.uri());
    if (token == null) {
      refuse(be, "no access_token");
      return;
    }
    // The client may send its first frames (registrations) as soon as the WebSocket is open, but the bridge installs
    // its frame handler only once this hook completes: hold inbound frames until then, or they would be lost.
    sock.pause();
    authenticator.apply(token).onComplete(ar -> {
      if (ar.failed()) {
        refuse(be, "invalid or expired token");
      } else if (!admitted(ar.result())) {
        refuse(be, "role below " + ns.requiredRole().wire());
      } else {
        SocketState s = new SocketState(ar.result(), token, new Outbox(sock, ns, metrics, limits));
        accept(sock, s);
        armExpiry(sock, s);
        be.tryComplete(true);
        sock.resume();
      }
    });
  }

  /** (Re)starts the timer that closes the socket when its current token expires. */
  private void armExpiry(SockJSSocket sock, SocketState s) {
    if (s.expiryTimer >= 0) vertx.cancelTimer(s.expiryTimer);
    long ms = s.principal.expiresAtEpochSeconds() * 1000 - System.currentTimeMillis();
    s.expiryTimer = vertx.setTimer(Math.max(1, ms), id -> {
      s.expiryTimer = -1;
      close(sock, s, CLOSE_TOKEN_EXPIRED, "token_expired");
    });
  }

  private void accept(SockJSSocket sock, SocketState s) {
    sockets.put(sock, s);
    metrics.opened(ns);
    // A socket that never subscribes to anything only costs us a connection: close it.
    s.registerTimer = vertx.setTimer(limits.registerTimeoutMs(), id -> {
      s.registerTimer = -1;
      close(sock, s, CLOSE_IDLE, "no_registration");
    });
  }

  private void refuse(BridgeEvent be, String why) {
    metrics.refused(ns);
    log.debug("Bridge socket refused on {}: {}", ns.tag(), why);
    // Close with a code first so a client can tell "log in again" from a network drop; the bridge's own close
    // that follows the refusal is then a no-op.
    be.socket().close(CLOSE_UNAUTHORIZED, "unauthorized");
    be.tryComplete(false);
  }

  /**
   * Every REGISTER: the token still live, the role (as last read from the stored user, see {@link #recheck}) still
   * the namespace's, and the tenant segment the socket's own. An address the namespace's regexes do not match is left
   * to the bridge, which answers {@code access_denied}; it is counted as denied here, where the meter lives.
   */
  private void onRegister(BridgeEvent be) {
    SockJSSocket sock = be.socket();
    SocketState s = sockets.get(sock);
    String address = be.getRawMessage() == null ? null : be.getRawMessage().getValue("address") instanceof String a
        ? a : null;
    if (s == null || s.closing || !live(s) || address == null || !admitted(s.principal)) {
      metrics.denied(ns);
      be.tryComplete(false);
      return;
    }
    recheck(sock, s);
    if (s.closing) { // the re-check answered at once (cached) and closed the socket
      be.tryComplete(false);
      return;
    }
    if (!ns.permits(address)) {
      metrics.denied(ns);
      be.tryComplete(true);
      return;
    }
    boolean ok = mayReceive(s.principal, address);
    if (ok) {
      if (s.registerTimer >= 0) {
        vertx.cancelTimer(s.registerTimer);
        s.registerTimer = -1;
      }
    } else {
      metrics.denied(ns);
    }
    be.tryComplete(ok);
  }

  /**
   * Re-reads the socket's user (its token through the authenticator: the verified-token and user caches make this a
   * few lookups) at most every {@link #RECHECK_NANOS}, on the client's pings and registrations. Like the REST gate,
   * the stored user wins over the token: a user disabled or deleted, or demoted below the namespace's role, loses the
   * socket within a ping or two (4403) instead of keeping it until the token expires. A failure that is not a verdict
   * on the user (the store unreachable) changes nothing. Never blocks: the result is applied when it arrives.
   */
  private void recheck(SockJSSocket sock, SocketState s) {
    long now = System.nanoTime();
    if (now - s.checkedAtNanos < RECHECK_NANOS) return;
    s.checkedAtNanos = now;
    String token = s.token;
    authenticator.apply(token).onComplete(ar -> {
      // Gone, closing, re-authenticated meanwhile, or expired (the expiry timer closes it with 4401).
      if (sockets.get(sock) != s || s.closing || !token.equals(s.token) || !live(s)) return;
      if (ar.succeeded()) {
        Principal stored = ar.result();
        if (admitted(stored)) {
          s.principal = new Principal(stored.userId(), stored.tenantId(), stored.roles(),
              s.principal.expiresAtEpochSeconds());
        } else {
          revoke(sock, s, "role_below_" + ns.requiredRole().wire());
        }
      } else if (ar.cause() instanceof BourseException e && (e.code() == ErrorCode.AUTH_USER_DISABLED
          || e.code() == ErrorCode.AUTH_TOKEN_INVALID)) {
        revoke(sock, s, e.code() == ErrorCode.AUTH_USER_DISABLED ? "user_disabled" : "user_unknown");
      }
    });
  }

  /**
   * The namespace's role, and for the admin namespace an operator (an admin of the operator tenant): its events
   * (kill switches, reconciliation runs, staleness and risk alerts) name every tenant's accounts, so another tenant's
   * admin has no place there.
   */
  private boolean admitted(Principal p) {
    if (!p.hasAtLeast(ns.requiredRole())) return false;
    return ns != BridgeNamespace.ADMIN || p.tenantId().equals(operatorTenant);
  }

  private void revoke(SockJSSocket sock, SocketState s, String why) {
    log.debug("Bridge socket closed on {}: {}", ns.tag(), why);
    close(sock, s, CLOSE_UNAUTHORIZED, "unauthorized");
  }

  /**
   * The bridge's outbound regexes check the address shape (and answer {@code access_denied}); this checks what the
   * regex cannot: the tenant segment. A refusal here reaches the client as {@code rejected}.
   */
  private boolean mayReceive(Principal p, String address) {
    return switch (ns) {
      case PUBLIC, ADMIN -> true;
      case TRADING -> {
        for (String stream : Addresses.TRADING_STREAMS) {
          if (address.equals(Addresses.trading(p.tenantId(), stream))) yield true;
        }
        // Anything else that matches the regex names another tenant; anything that does not is denied by the bridge.
        yield !address.startsWith(Addresses.TRADING_PREFIX);
      }
    };
  }

  /**
   * Client → server. The only inbound address any namespace permits is {@link Addresses#BRIDGE_AUTH} (a send, on the
   * authenticated namespaces), handled by {@link #onReauthenticate}; everything else is then denied by the bridge's
   * empty allow-list. The headers are still replaced with the authenticated identity, so that a later inbound
   * allow-list cannot forward spoofed ones.
   */
  private void onSend(BridgeEvent be) {
    SockJSSocket sock = be.socket();
    SocketState s = sockets.get(sock);
    JsonObject raw = be.getRawMessage();
    if (s == null || s.closing || !live(s) || raw == null) {
      be.tryComplete(false);
      return;
    }
    if (Addresses.BRIDGE_AUTH.equals(raw.getValue("address"))) {
      if (be.type() == BridgeEventType.SEND) {
        onReauthenticate(be, sock, s, raw);
      } else {
        be.tryComplete(false); // a publish would have no one to answer
      }
      return;
    }
    JsonObject copy = raw.copy();
    copy.put("headers", identity(s.principal));
    be.setRawMessage(copy);
    be.tryComplete(true);
  }

  private static JsonObject identity(Principal p) {
    return new JsonObject().put("x-user-id", p.userId()).put("x-tenant-id", p.tenantId());
  }

  /**
   * Re-authentication without reconnecting: the client sends {@code {"accessToken": "<jwt>"}} to
   * {@link Addresses#BRIDGE_AUTH} with a reply address. The token is verified exactly as at connect (the same
   * authenticator: RS256 and a known kid, iss, aud, exp/nbf/iat, the stored user exists and is enabled), and must
   * belong to the socket's user and tenant with the namespace's role. Then:
   * <ul>
   *   <li>valid: the socket runs on it (its expiry timer restarts; registrations stay) and the client gets a reply
   *   {@code {"ok": true, "expiresAt": ISO-8601}};</li>
   *   <li>invalid, expired or malformed: an error reply (failureCode 401/400, message the stable code, e.g.
   *   {@code ERR_AUTH_001}); the socket keeps its current token and its expiry;</li>
   *   <li>another user's or tenant's token, a disabled user, a role below the namespace's: the socket is closed with
   *   4403, as it would have been refused at connect.</li>
   * </ul>
   * The answer travels the bridge's own request/reply path, so every client library understands it: the hook
   * replaces the message (body, headers) with its verdict, the bridge forwards that to the {@code bridge.auth}
   * consumer ({@link #answerReauthentication}), which answers it, and the bridge delivers the answer to the client's
   * reply address. The token goes no further than this method and is never logged.
   */
  private void onReauthenticate(BridgeEvent be, SockJSSocket sock, SocketState s, JsonObject raw) {
    Object replyAddress = raw.getValue("replyAddress");
    String reply = replyAddress instanceof String r ? r : null;
    String token = raw.getValue("body") instanceof JsonObject body && body.size() == 1
        && body.getValue("accessToken") instanceof String t && !t.isBlank() ? t : null;
    if (token == null) {
      metrics.reauth(ns, BridgeMetrics.Reauth.REFUSED);
      verdict(be, s, reply, refusal(ErrorCode.VAL_SCHEMA));
      return;
    }
    authenticator.apply(token).onComplete(ar -> {
      if (sockets.get(sock) != s || s.closing) {
        be.tryComplete(false); // closed while the token was being verified
        return;
      }
      if (ar.failed()) {
        ErrorCode code = ar.cause() instanceof BourseException e ? e.code() : ErrorCode.AUTH_TOKEN_INVALID;
        if (code == ErrorCode.AUTH_USER_DISABLED) {
          closeOnReauthentication(be, sock, s, "user_disabled");
        } else {
          metrics.reauth(ns, BridgeMetrics.Reauth.REFUSED);
          verdict(be, s, reply, refusal(code));
        }
        return;
      }
      Principal fresh = ar.result();
      if (!fresh.userId().equals(s.principal.userId()) || !fresh.tenantId().equals(s.principal.tenantId())) {
        closeOnReauthentication(be, sock, s, "token_mismatch");
        return;
      }
      if (!admitted(fresh)) {
        closeOnReauthentication(be, sock, s, "role_below_" + ns.requiredRole().wire());
        return;
      }
      // The stored roles come with the new principal. Two refreshes in flight may complete out of order: the socket
      // keeps the later expiry of the two (both tokens verified for this user).
      long expiry = Math.max(fresh.expiresAtEpochSeconds(), s.principal.expiresAtEpochSeconds());
      s.principal = new Principal(fresh.userId(), fresh.tenantId(), fresh.roles(), expiry);
      if (fresh.expiresAtEpochSeconds() == expiry) s.token = token;
      s.checkedAtNanos = System.nanoTime();
      armExpiry(sock, s);
      metrics.reauth(ns, BridgeMetrics.Reauth.OK);
      verdict(be, s, reply, new JsonObject().put("ok", true)
          .put("expiresAt", Instant.ofEpochSecond(expiry).toString()));
    });
  }

  private static JsonObject refusal(ErrorCode code) {
    return new JsonObject().put("ok", false).put("code", code.code());
  }

  /** Lets the bridge forward the verdict, and nothing of what the client sent, to the bridge.auth consumer. */
  private static void verdict(BridgeEvent be, SocketState s, String replyAddress, JsonObject verdict) {
    JsonObject message = new JsonObject().put("type", "send").put("address", Addresses.BRIDGE_AUTH)
        .put("body", verdict).put("headers", identity(s.principal));
    if (replyAddress != null) message.put("replyAddress", replyAddress);
    be.setRawMessage(message);
    be.tryComplete(true);
  }

  private void closeOnReauthentication(BridgeEvent be, SockJSSocket sock, SocketState s, String why) {
    metrics.reauth(ns, BridgeMetrics.Reauth.CLOSED);
    log.debug("Bridge socket closed on {} re-authentication: {}", ns.tag(), why);
    be.tryComplete(false);
    close(sock, s, CLOSE_UNAUTHORIZED, "unauthorized");
  }

  /**
   * The {@link Addresses#BRIDGE_AUTH} consumer: it answers the verdicts the hooks forward (see
   * {@link #onReauthenticate}); it decides nothing. Registered once per HTTP verticle instance (so any instance may
   * answer; they answer alike).
   */
  static void answerReauthentication(Vertx vertx) {
    vertx.eventBus().consumer(Addresses.BRIDGE_AUTH, m -> {
      JsonObject verdict = m.body() instanceof JsonObject j ? j : new JsonObject();
      if (Boolean.TRUE.equals(verdict.getValue("ok")) && verdict.getValue("expiresAt") instanceof String expiresAt) {
        m.reply(new JsonObject().put("ok", true).put("expiresAt", expiresAt));
      } else {
        ErrorCode code = verdict.getValue("code") instanceof String c && ErrorCode.fromCode(c) != null
            ? ErrorCode.fromCode(c) : ErrorCode.AUTH_TOKEN_INVALID;
        m.fail(code.httpStatus(), code.code());
      }
    });
  }

  /**
   * Outbound backpressure ({@link Outbox}): while the client is behind, the bridge's own write is refused and the
   * frame held in the socket's outbox instead, which closes the socket with {@code slow_consumer} past its bound.
   * Held frames are written on drain. They have already passed the bridge's outbound match (RECEIVE runs after it),
   * so writing them ourselves does not bypass the allow-list.
   */
  private void onReceive(BridgeEvent be) {
    SockJSSocket sock = be.socket();
    SocketState s = sockets.get(sock);
    if (s == null || s.closing || !live(s)) {
      be.tryComplete(false);
      return;
    }
    if (s.outbox.writable()) {
      s.outbox.wroteDirectly();
      be.tryComplete(true);
      return;
    }
    be.tryComplete(false);
    JsonObject envelope = be.getRawMessage();
    if (!s.outbox.hold(envelope.getString("address"), Buffer.buffer(envelope.encode()))) {
      close(sock, s, CLOSE_SLOW_CONSUMER, "slow_consumer");
    }
  }

  private boolean live(SocketState s) {
    return s.principal.expiresAtEpochSeconds() * 1000 > System.currentTimeMillis();
  }

  private void close(SockJSSocket sock, SocketState s, int code, String reason) {
    if (s.closing) return;
    s.closing = true;
    s.outbox.close();
    sock.close(code, reason);
    // If the bridge never got to install its end handler (socket gone while the token was being verified), no
    // SOCKET_CLOSED follows: release here too; release is idempotent.
    release(sock);
  }

  private void release(SockJSSocket sock) {
    SocketState s = sockets.remove(sock);
    if (s == null) return;
    metrics.closed(ns);
    s.outbox.close();
    if (s.expiryTimer >= 0) vertx.cancelTimer(s.expiryTimer);
    if (s.registerTimer >= 0) vertx.cancelTimer(s.registerTimer);
  }

  static String accessToken(String uri) {
    if (uri == null) return null;
    List<String> values = new QueryStringDecoder(uri).parameters().get("access_token");
    return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
  }

  int openSockets() { return sockets.size(); }
}

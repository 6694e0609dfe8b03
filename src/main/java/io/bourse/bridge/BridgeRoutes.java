package io.bourse.bridge;

import io.bourse.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.util.List;
import java.util.function.Function;

/**
 * Mounts the three SockJS event-bus bridge endpoints on the API router, so they share port 8080 with REST: the
 * authenticated ones are the stock SockJS bridge guarded by {@link BridgeSecurity}; the public market-data one is
 * {@link MarketDataBridge} (the same frame protocol, with node-local fan-out). (A separate
 * verticle with its own HttpServer on the same port would not work: Vert.x round-robins connections between all
 * servers bound to one port, so half the REST calls would land on the bridge's router and vice versa.)
 *
 * <p>The more specific namespaces are mounted first: {@code /eventbus/*} would otherwise also match
 * {@code /eventbus/trading/...} and serve it with the public allow-list and no authentication.
 */
public final class BridgeRoutes {
  private final Function<String, Future<Principal>> authenticator;
  private final BridgeMetrics metrics;
  private final BridgeLimits limits;
  private final List<String> allowedOrigins;
  private final String operatorTenant;

  public BridgeRoutes(Function<String, Future<Principal>> authenticator, BridgeMetrics metrics, BridgeLimits limits,
      List<String> allowedOrigins, String operatorTenant) {
    this.operatorTenant = operatorTenant;
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.limits = limits;
    this.allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** Called once per router (so once per HTTP verticle instance / event loop): each gets its own bridges and hooks. */
  public void mount(Vertx vertx, Router router) {
    for (BridgeNamespace ns : List.of(BridgeNamespace.TRADING, BridgeNamespace.ADMIN, BridgeNamespace.PUBLIC)) {
      SockJSHandlerOptions sockOptions = new SockJSHandlerOptions()
          // No cookies on bridge sessions: identity comes from the token, and a cookie would invite CSRF/CSWSH.
          .setInsertJSESSIONID(false)
          .setHeartbeatInterval(limits.heartbeatIntervalMs())
          .setSessionTimeout(limits.sessionTimeoutMs())
          // Local only: the write handler address would let any event-bus sender write raw frames to the socket.
          .setRegisterWriteHandler(false)
          // Legacy IE transports answer with executable script (JSONP callback, htmlfile iframe); nothing we
          // support needs them. WebSocket, XHR and EventSource stay.
          .addDisabledTransport(Transport.JSON_P.name())
          .addDisabledTransport(Transport.HTML_FILE.name());
      // SockJS takes one origin; with several configured the router's CorsHandler (mounted first) does the check.
      if (allowedOrigins.size() == 1 && !allowedOrigins.get(0).equals("*")) {
        sockOptions.setOrigin(allowedOrigins.get(0));
      }
      if (ns == BridgeNamespace.PUBLIC) {
        // Market data: node-local fan-out instead of one event-bus consumer per socket and address.
        router.route(ns.path() + "/*").subRouter(SockJSHandler.create(vertx, sockOptions)
            .socketHandler(new MarketDataBridge(vertx, metrics, limits)));
        continue;
      }
      SockJSBridgeOptions bridgeOptions = new SockJSBridgeOptions()
          .setMaxHandlersPerSocket(limits.maxHandlersPerSocket())
          .setMaxAddressLength(limits.maxAddressLength())
          .setPingTimeout(limits.pingTimeoutMs())
          .setReplyTimeout(limits.replyTimeoutMs())
          // Deny by default: inbound only bridge.auth (authenticated namespaces), outbound only the namespace's
          // anchored regexes.
          .setInboundPermitteds(ns.inbound())
          .setOutboundPermitteds(ns.outbound());
      Router bridge = SockJSHandler.create(vertx, sockOptions)
          .bridge(bridgeOptions, new BridgeSecurity(vertx, ns, authenticator, metrics, limits, operatorTenant));
      router.route(ns.path() + "/*").subRouter(bridge);
    }
    BridgeSecurity.answerReauthentication(vertx);
  }
}

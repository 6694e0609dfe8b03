package io.bourse.http;

import io.bourse.common.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every request: adopts or creates the request id (into the request's context, the response
 * header and so every log line and event-bus message of the request), adds {@code Server-Timing}, and logs requests
 * slower than the configured threshold.
 */
final class PlatformHandler implements io.vertx.ext.web.handler.PlatformHandler {
  private static final Logger log = LoggerFactory.getLogger("io.bourse.http.slow");

  private final long slowRequestNanos;

  PlatformHandler(long slowRequestMs) {
    this.slowRequestNanos = slowRequestMs * 1_000_000L;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String requestId = RequestContext.acceptOrGenerate(request.getHeader(RequestContext.HEADER));
    RequestContext.set(Vertx.currentContext(), requestId);
    response.putHeader(RequestContext.HEADER, requestId);
    response.putHeader("X-Content-Type-Options", "nosniff");
    ctx.addHeadersEndHandler(v -> response.putHeader("Server-Timing", serverTiming(System.nanoTime() - start)));
    ctx.addEndHandler(v -> {
      long elapsed = System.nanoTime() - start;
      if (elapsed >= slowRequestNanos) {
        log.warn("Slow request {} {} -> {} in {} ms", request.method(), routeOf(ctx), response.getStatusCode(),
            elapsed / 1_000_000);
      }
    });
    ctx.next();
  }

  /** {@code app;dur=<ms with two decimals>}, built by hand: String.format per response is measurably slow. */
  static String serverTiming(long elapsedNanos) {
    long hundredths = elapsedNanos / 10_000;
    long fraction = hundredths % 100;
    return "app;dur=" + (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
  }

  /** The route template, not the raw path: paths carry ids that do not belong in logs and metrics. */
  private static String routeOf(RoutingContext ctx) {
    String route = ctx.currentRoute() == null ? null : ctx.currentRoute().getPath();
    return route == null ? ctx.normalizedPath() : route;
  }
}

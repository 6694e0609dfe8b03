package io.bourse.http;

import io.bourse.common.RequestContext;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

  /**
   * Under overload every request is slow: one line each would flood the log (and, through a blocking appender, slow
   * the event loops further) exactly when operators read it. So at most {@code slowLinesPerSecond} lines a second, and
   * the next line counts the ones left out.
   */
  private final int slowLinesPerSecond;
  private final long slowRequestNanos;
  private final AtomicLong windowStart = new AtomicLong();
  private final AtomicInteger linesInWindow = new AtomicInteger();
  private final AtomicLong suppressed = new AtomicLong();

  PlatformHandler(long slowRequestMs, int slowLinesPerSecond) {
    this.slowRequestNanos = slowRequestMs * 1_000_000L;
    this.slowLinesPerSecond = slowLinesPerSecond;
    windowStart.set(System.nanoTime() - 1_000_000_000L);
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
      if (elapsed >= slowRequestNanos) logSlow(ctx, request, response, requestId, elapsed);
    });
    ctx.next();
  }

  private void logSlow(RoutingContext ctx, HttpServerRequest request, HttpServerResponse response, String requestId,
      long elapsedNanos) {
    long now = System.nanoTime();
    long start = windowStart.get();
    if (now - start >= 1_000_000_000L && windowStart.compareAndSet(start, now)) linesInWindow.set(0);
    if (linesInWindow.incrementAndGet() > slowLinesPerSecond) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    // The id is named in the message: the line may be written from another request's context (a shard's reply that
    // completes several requests at once), whose id the log pattern would show.
    log.warn("Slow request {} {} -> {} in {} ms (request {}){}", request.method(), routeOf(ctx),
        response.getStatusCode(), elapsedNanos / 1_000_000, requestId,
        skipped == 0 ? "" : "; " + skipped + " more slow requests not logged since the last line");
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

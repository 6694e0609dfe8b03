package io.bourse.http;

import io.bourse.config.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves REST, health, metrics and docs. Stateless: deploy as many instances as cores; they share the port.
 */
public final class HttpApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HttpApiVerticle.class);

  private final HttpConfig http;
  private final ApiRouterFactory routerFactory;
  private final IntConsumer onListening;
  private HttpServer server;

  public HttpApiVerticle(HttpConfig http, ApiRouterFactory routerFactory, IntConsumer onListening) {
    this.http = http;
    this.routerFactory = routerFactory;
    this.onListening = onListening;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setCompressionSupported(true)
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(16384));
    // Building the router compiles every operation's schema validators: a few hundred ms of CPU that would stall this
    // event loop, so it happens on a worker; the finished router is plain data, used from the event loop afterwards.
    return vertx.executeBlocking(() -> routerFactory.create(vertx), false)
        .compose(router -> server.requestHandler(router).listen()).onSuccess(s -> {
      log.debug("HTTP API listening on {}:{}", http.host(), s.actualPort());
      onListening.accept(s.actualPort());
    });
  }

  /** Stops accepting connections, lets in-flight requests finish within the grace period, then closes. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(http.shutdownGraceSeconds(), TimeUnit.SECONDS);
  }
}

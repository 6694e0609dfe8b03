package io.bourse.support;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The first server bind of a JVM loads and links the JDK's socket classes (NetProperties reads its file) and Vert.x's
 * server classes: 300-500 ms on a loaded 2-core box, which would land on the HTTP verticles' event loops at start-up
 * and fail the first test class of a fork on the strict blocked-thread guard. {@link TestApp} pays it once here, on a
 * throwaway Vert.x whose default 2 s blocked-thread limit stays quiet. (A class of its own: lambdas run on the event
 * loop while TestApp's static initialiser is still running would wait for it.)
 */
final class ServerWarmUp {
  private ServerWarmUp() {}

  static void run() {
    Vertx warm = Vertx.vertx();
    try {
      warm.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
          .compose(server -> server.close()).await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Only a warm-up: a real failure shows when the service's own server starts.
    } finally {
      warm.close().await();
    }
  }
}

package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bourse.config.HttpConfig;
import io.bourse.support.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Undeploying the HTTP verticle (what SIGTERM does) lets in-flight requests finish and refuses new ones. */
class GracefulShutdownTest {

  @Test
  void inFlightRequestCompletesWhileTheServerStops() throws Exception {
    Vertx vertx = Vertx.vertx();
    Vertx clientVertx = Vertx.vertx();
    try {
      int port = FreePorts.next();
      HttpConfig http = new HttpConfig("127.0.0.1", port, 65536, List.of(), 500, 5, 5, 30_000);
      String deployment = vertx.deployVerticle(new HttpApiVerticle(http, PlatformTestRouter.factory(vertx, 65536),
          p -> { })).await();
      WebClient client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(port).setKeepAlive(false));

      Future<HttpResponse<Buffer>> inFlight = client.get("/api/v1/slow").send();
      Thread.sleep(PlatformTestRouter.SLOW_MS / 3); // the request is now being handled
      long stopStart = System.nanoTime();
      Future<Void> undeployed = vertx.undeploy(deployment);

      HttpResponse<Buffer> response = inFlight.await(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getBoolean("done")).isTrue();
      undeployed.await(10, TimeUnit.SECONDS);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart))
          .as("the stop waited for the in-flight request").isGreaterThanOrEqualTo(PlatformTestRouter.SLOW_MS / 3);

      assertThatThrownBy(() -> client.get("/health/live").send().await(5, TimeUnit.SECONDS))
          .as("no longer accepting connections").isNotNull();
    } finally {
      clientVertx.close().await();
      vertx.close().await();
    }
  }
}

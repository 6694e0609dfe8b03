package io.bourse.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Baseline for load-tests/http-overhead.sh: a bare Vert.x HTTP server returning the same JSON as /health/live, with
 * none of Bourse's pipeline (request id, metrics, contract validation, error mapping). Same instance count as Bourse.
 */
public final class BareHttpServer extends VerticleBase {
  private final int port;

  private BareHttpServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(request -> request.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "healthy").put("timestamp", Instant.now().toString())
            .put("version", "0.1.0-SNAPSHOT").put("uptimeSeconds", 1).encode()))
        .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Vertx.vertx().deployVerticle(() -> new BareHttpServer(port), new DeploymentOptions().setInstances(instances));
  }
}

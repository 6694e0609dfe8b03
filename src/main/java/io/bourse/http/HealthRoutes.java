package io.bourse.http;

import io.bourse.health.HealthService;
import io.bourse.health.HealthService.Probe;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Handlers of the health operations: /health/live, /health/ready, /health/detailed, /health/{dependency}. */
final class HealthRoutes {
  private HealthRoutes() {}

  static void live(RoutingContext ctx, HealthService health) {
    json(ctx, 200, health.envelope(HealthService.HEALTHY).put("uptimeSeconds", health.uptimeSeconds()));
  }

  static void ready(RoutingContext ctx, HealthService health) {
    withReport(ctx, health, report -> {
      JsonObject services = new JsonObject();
      report.probes().forEach((name, probe) -> services.put(name, probe.status()));
      JsonObject body = health.envelope(report.status()).put("services", services);
      if (!health.acceptingTraffic()) body.put("reason", "starting or draining");
      return body;
    });
  }

  static void detailed(RoutingContext ctx, HealthService health) {
    withReport(ctx, health, report -> {
      JsonObject services = new JsonObject();
      report.probes().forEach((name, probe) -> services.put(name, probe.toJson()));
      Runtime rt = Runtime.getRuntime();
      return health.envelope(report.status())
          .put("uptimeSeconds", health.uptimeSeconds())
          .put("acceptingTraffic", health.acceptingTraffic())
          .put("services", services)
          .put("jvm", new JsonObject()
              .put("javaVersion", Runtime.version().toString())
              .put("availableProcessors", rt.availableProcessors())
              .put("heapUsedBytes", rt.totalMemory() - rt.freeMemory())
              .put("heapMaxBytes", rt.maxMemory()));
    });
  }

  /** Runs every probe and answers 200 when ready, 503 otherwise; {@code render} shapes the body from the probes. */
  private static void withReport(RoutingContext ctx, HealthService health,
                                 Function<HealthService.Report, JsonObject> render) {
    health.report().onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      json(ctx, ar.result().ready() ? 200 : 503, render.apply(ar.result()));
    });
  }

  /** The contract restricts {dependency} to the known names, so anything else never reaches here. */
  static void dependency(RoutingContext ctx, HealthService health) {
    String name = ctx.pathParam("dependency");
    health.probe(name).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Probe probe = ar.result();
      JsonObject body = health.envelope(probe.status()).put("service", name).put("details", probe.toJson());
      json(ctx, HealthService.UNHEALTHY.equals(probe.status()) ? 503 : 200, body);
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}

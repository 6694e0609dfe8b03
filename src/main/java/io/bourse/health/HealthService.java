package io.bourse.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Liveness, readiness and per-dependency health. Probes run as vertx-health-check procedures (which give us the
 * per-procedure timeout, so a hanging dependency reads as down instead of hanging the probe); the responses use the
 * shape operators of the systems Bourse replaces already parse:
 * {@code {"status":"healthy","timestamp":...,"services":{...},"version":"..."}}.
 */
public final class HealthService {
  public static final String HEALTHY = "healthy";
  public static final String DEGRADED = "degraded";
  public static final String UNHEALTHY = "unhealthy";
  public static final String DISABLED = "disabled";

  /** The result of probing one dependency. */
  public record Probe(String name, String status, boolean critical, long latencyMs, String version, String error) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("status", status);
      if (!DISABLED.equals(status)) {
        json.put("critical", critical).put("latencyMs", latencyMs);
      }
      if (version != null) json.put("version", version);
      if (error != null) json.put("error", error);
      return json;
    }
  }

  /** Whole-service view: overall status plus each dependency. */
  public record Report(String status, Map<String, Probe> probes) {
    public boolean ready() { return !UNHEALTHY.equals(status); }
  }

  private final Vertx vertx;
  private final HealthChecks checks;
  private final Map<String, DependencyCheck> dependencies = new LinkedHashMap<>();
  private final Map<String, Supplier<Future<JsonObject>>> details = new LinkedHashMap<>();
  private final String version;
  private final long startedAtMillis = System.currentTimeMillis();
  private final AtomicBoolean started = new AtomicBoolean(false);
  private final AtomicBoolean draining = new AtomicBoolean(false);

  public HealthService(Vertx vertx, String version, long timeoutMs) {
    this.vertx = vertx;
    this.version = version;
    this.checks = HealthChecks.create(vertx);
    this.timeoutMs = timeoutMs;
  }

  private final long timeoutMs;

  /** Closes every dependency's probe resources; a failure is logged by the caller, the others still close. */
  public synchronized Future<Void> closeDependencies() {
    return Future.join(dependencies.values().stream().map(d -> d.close().recover(e -> Future.succeededFuture()))
        .toList()).mapEmpty();
  }

  public synchronized HealthService register(DependencyCheck check) {
    dependencies.put(check.name(), check);
    checks.register(check.name(), timeoutMs, promise -> {
      if (!check.configured()) {
        promise.complete(Status.OK(new JsonObject().put("status", DISABLED)));
        return;
      }
      long start = System.nanoTime();
      check.probe().onComplete(ar -> {
        long latency = (System.nanoTime() - start) / 1_000_000;
        JsonObject data = new JsonObject().put("latencyMs", latency);
        if (ar.succeeded()) {
          if (ar.result() != null) data.put("version", ar.result());
          promise.tryComplete(Status.OK(data));
        } else {
          promise.tryComplete(Status.KO(data.put("error", describe(ar.cause()))));
        }
      });
    });
    return this;
  }

  /**
   * Adds a named block to /health/detailed (e.g. market-data staleness). Blocks are informational: readiness comes
   * from the dependency checks alone. A block that fails or does not answer in time shows its error instead.
   */
  public synchronized HealthService addDetail(String name, Supplier<Future<JsonObject>> detail) {
    details.put(name, detail);
    return this;
  }

  public Future<JsonObject> details() {
    Map<String, Supplier<Future<JsonObject>>> all;
    synchronized (this) {
      all = new LinkedHashMap<>(details);
    }
    JsonObject out = new JsonObject();
    List<Future<JsonObject>> futures = new ArrayList<>();
    for (Map.Entry<String, Supplier<Future<JsonObject>>> e : all.entrySet()) {
      futures.add(e.getValue().get()
          .timeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)
          .recover(err -> Future.succeededFuture(new JsonObject().put("error", describe(err))))
          .onSuccess(json -> out.put(e.getKey(), json)));
    }
    return Future.join(futures).map(out);
  }

  public void markStarted() { started.set(true); }

  /** Readiness turns 503 first, so load balancers stop routing here before the servers stop listening. */
  public void markDraining() { draining.set(true); }

  public boolean acceptingTraffic() { return started.get() && !draining.get(); }

  public String version() { return version; }

  public long uptimeSeconds() { return (System.currentTimeMillis() - startedAtMillis) / 1000; }

  public Future<Probe> probe(String name) {
    DependencyCheck dependency;
    synchronized (this) {
      dependency = dependencies.get(name);
    }
    if (dependency == null) {
      return Future.succeededFuture(new Probe(name, DISABLED, false, 0, null, null));
    }
    return checks.checkStatus(name).map(result -> toProbe(dependency, result));
  }

  public Future<Report> report() {
    List<DependencyCheck> all;
    synchronized (this) {
      all = new ArrayList<>(dependencies.values());
    }
    List<Future<Probe>> futures = new ArrayList<>();
    for (DependencyCheck d : all) futures.add(probe(d.name()));
    return Future.join(futures).map(done -> {
      Map<String, Probe> probes = new LinkedHashMap<>();
      String overall = acceptingTraffic() ? HEALTHY : UNHEALTHY;
      for (Future<Probe> f : futures) {
        Probe p = f.result();
        probes.put(p.name(), p);
        if (UNHEALTHY.equals(p.status())) {
          if (p.critical()) overall = UNHEALTHY;
          else if (HEALTHY.equals(overall)) overall = DEGRADED;
        }
      }
      return new Report(overall, probes);
    });
  }

  public JsonObject envelope(String status) {
    return new JsonObject().put("status", status).put("timestamp", Instant.now().toString()).put("version", version);
  }

  private Probe toProbe(DependencyCheck dependency, CheckResult result) {
    JsonObject data = result.getData() == null ? new JsonObject() : result.getData();
    if (DISABLED.equals(data.getString("status"))) {
      return new Probe(dependency.name(), DISABLED, false, 0, null, null);
    }
    boolean up = result.getUp() != null && result.getUp();
    String error = data.getString("error");
    if (!up && error == null) {
      // The health-check library's own timeout (no data from our procedure).
      error = result.getFailure() != null ? describe(result.getFailure()) : "no answer within " + timeoutMs + " ms";
    }
    return new Probe(dependency.name(), up ? HEALTHY : UNHEALTHY, dependency.critical(),
        data.getLong("latencyMs", timeoutMs), data.getString("version"), up ? null : error);
  }

  private static String describe(Throwable t) {
    // Class and message only: probe errors are shown to operators and must not leak connection strings.
    String message = t.getMessage() == null ? "" : t.getMessage().replaceAll("://[^@/\\s]*@", "://***@");
    return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  Vertx vertx() { return vertx; }
}

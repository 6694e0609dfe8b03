package io.bourse.reconcile;

import io.bourse.BourseApp;
import io.bourse.config.BourseConfig;
import io.bourse.config.ConfigLoader;
import io.bourse.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar bourse.jar reconcile [--account ID] [--rebuild-history] [--config FILE]}: starts the service's
 * store, venue client and trading shards from the same configuration (HTTP on an ephemeral loopback port, no
 * strategies, no scheduled runs), runs one reconciliation, prints a summary and exits:
 * {@value #EXIT_OK} clean or repaired, {@value #EXIT_FAILED} the run failed, {@value #EXIT_CONFIG} configuration
 * error, {@value #EXIT_ATTENTION} something needs an operator, {@value #EXIT_USAGE} usage error. Run it while the
 * service is stopped: an account has one writer.
 */
public final class ReconcileCommand {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_CONFIG = 2;
  public static final int EXIT_ATTENTION = 3;
  public static final int EXIT_USAGE = 64;
  static final String USAGE = "usage: java -jar bourse.jar reconcile [--account ID] [--rebuild-history] [--config FILE]";

  private ReconcileCommand() {}

  public static void run(List<String> args) {
    String account = null;
    String configPath = null;
    boolean rebuild = false;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--account" -> {
          if (i + 1 >= args.size()) exit(EXIT_USAGE, List.of("--account needs an account id", USAGE));
          account = args.get(++i);
        }
        case "--config" -> {
          if (i + 1 >= args.size()) exit(EXIT_USAGE, List.of("--config needs a file path", USAGE));
          configPath = args.get(++i);
        }
        case "--rebuild-history" -> rebuild = true;
        case "-h", "--help" -> exit(EXIT_OK, List.of(USAGE));
        default -> exit(EXIT_USAGE, List.of("unknown argument '" + args.get(i) + "'", USAGE));
      }
    }
    String faultProblem = io.bourse.common.FaultPoints.problem();
    if (faultProblem != null) exit(EXIT_CONFIG, List.of("config error: " + faultProblem));
    Metrics metrics = new Metrics();
    Vertx vertx = Vertx.builder().with(metrics.applyTo(io.bourse.Bourse.vertxOptions())).withMetrics(metrics.factory()).build();
    BourseConfig.Parsed parsed;
    try {
      // The main thread is not an event loop: awaiting here blocks none.
      JsonObject json = ConfigLoader.load(vertx, configPath, System.getenv()).await();
      parsed = BourseConfig.parse(forTool(json));
    } catch (Exception e) {
      vertx.close();
      exit(EXIT_CONFIG, List.of("config: " + e.getMessage()));
      return;
    }
    if (!parsed.valid()) {
      vertx.close();
      exit(EXIT_CONFIG, parsed.problems().all().stream().map(p -> "config error: " + p).toList());
      return;
    }
    int code;
    BourseApp app = null;
    try {
      app = BourseApp.start(vertx, parsed.config(), metrics).await(120, TimeUnit.SECONDS);
      JsonObject run = ReconciliationVerticle.requestRun(vertx, new JsonObject().put("trigger", "cli")
          .put("accountId", account).put("rebuildHistory", rebuild).put("await", true), 3_600_000)
          .await(3_600, TimeUnit.SECONDS);
      print(run, System.out);
      code = switch (run.getString("status", "FAILED")) {
        case "CLEAN", "REPAIRED" -> EXIT_OK;
        case "NEEDS_ATTENTION" -> EXIT_ATTENTION;
        default -> EXIT_FAILED;
      };
    } catch (Exception e) {
      System.err.println("reconciliation failed: " + e.getMessage());
      code = EXIT_FAILED;
    }
    try {
      if (app != null) app.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("shutdown: " + e.getMessage());
    }
    System.exit(code);
  }

  /** The service's configuration, minus what a one-shot tool must not do: listen publicly, trade, schedule. */
  static JsonObject forTool(JsonObject json) {
    JsonObject copy = json.copy();
    JsonObject http = copy.getValue("http") instanceof JsonObject h ? h : new JsonObject();
    copy.put("http", http.put("port", 0).put("host", "127.0.0.1"));
    JsonObject trading = copy.getValue("trading") instanceof JsonObject t ? t : new JsonObject();
    JsonObject reconciliation = trading.getValue("reconciliation") instanceof JsonObject r ? r : new JsonObject();
    trading.put("demoStrategy", false).put("runStrategies", false)
        .put("reconciliation", reconciliation.put("onStart", false).put("intervalMs", 0).put("afterReconnect", false));
    copy.put("trading", trading);
    return copy;
  }

  static void print(JsonObject run, PrintStream out) {
    out.printf("reconciliation run %s: %s in %d ms%n", run.getString("id"), run.getString("status"),
        run.getLong("durationMs", 0L));
    out.printf("accounts: %d, discrepancies: %d, repaired: %d, accounts needing attention: %d%n",
        run.getInteger("accounts", 0), run.getInteger("discrepancyCount", 0), run.getInteger("repairedCount", 0),
        run.getInteger("accountsNeedingAttention", 0));
    JsonArray results = run.getJsonArray("results", new JsonArray());
    for (int i = 0; i < results.size(); i++) {
      JsonObject account = results.getJsonObject(i);
      JsonArray found = account.getJsonArray("discrepancies", new JsonArray());
      for (int j = 0; j < found.size(); j++) {
        JsonObject d = found.getJsonObject(j);
        out.printf("  %s %-28s %-10s %s%s%n", account.getString("accountId"), d.getString("type"),
            d.getBoolean("repaired", false) ? "repaired" : "ATTENTION", d.getString("detail"),
            d.getString("action") == null ? "" : " -> " + d.getString("action"));
      }
    }
    JsonArray failed = run.getJsonArray("failedAccounts", new JsonArray());
    for (int i = 0; i < failed.size(); i++) {
      out.printf("  %s FAILED: %s%n", failed.getJsonObject(i).getString("accountId"), failed.getJsonObject(i).getString("error"));
    }
    if (run.containsKey("error")) out.println("error: " + run.getString("error"));
  }

  private static void exit(int code, List<String> lines) {
    PrintStream out = code == 0 ? System.out : System.err;
    lines.forEach(out::println);
    System.exit(code);
  }
}

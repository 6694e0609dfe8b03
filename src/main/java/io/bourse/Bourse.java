package io.bourse;

import io.bourse.config.BourseConfig;
import io.bourse.config.ConfigLoader;
import io.bourse.metrics.Metrics;
import io.bourse.reconcile.ReconcileCommand;
import io.bourse.venue.PaperVenueCommand;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launcher: {@code java -jar bourse.jar [serve] [--config FILE]}, or {@code java -jar bourse.jar venue ...} for the
 * paper venue alone ({@link PaperVenueCommand}), or {@code reconcile ...} for one reconciliation run
 * ({@link ReconcileCommand}). Loads and validates configuration (every problem on its
 * own line, exit code 2, no stack trace), starts the service, and stops it gracefully on SIGTERM/SIGINT.
 */
public final class Bourse {
  private static final Logger log = LoggerFactory.getLogger(Bourse.class);

  public static final int EXIT_CONFIG = 2;
  public static final int EXIT_START_FAILED = 1;
  public static final int EXIT_USAGE = 64;
  private static final String USAGE = "usage: java -jar bourse.jar [serve] [--config FILE]\n"
      + "       java -jar bourse.jar venue [--host HOST] [--port N] [--data-dir DIR] [--config FILE]\n"
      + "       java -jar bourse.jar reconcile [--account ID] [--rebuild-history] [--config FILE]";

  private Bourse() {}

  /**
   * What every Bourse process starts Vert.x with: Netty's native epoll transport where the platform has it (Linux;
   * its x86-64 library comes with Vert.x). Why: order entry crosses loopback sockets three times per order
   * (client, venue request, venue stream) and the JDK selector's bookkeeping was a visible part of the event loops'
   * time; docs/BENCHMARKS.md has the measurement. Elsewhere Vert.x falls back to the JDK transport.
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  /** Says which transport Vert.x runs on, and why not the native one when it was preferred but is not available. */
  public static void logTransport(Vertx vertx) {
    if (vertx.isNativeTransportEnabled()) {
      log.info("Network transport: native (epoll)");
    } else {
      Throwable cause = vertx.unavailableNativeTransportCause();
      log.info("Network transport: JDK NIO (native transport unavailable: {})",
          cause == null ? "not requested" : cause.toString());
    }
  }

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    if (args.length > 0 && args[0].equals("venue")) {
      PaperVenueCommand.run(List.of(args).subList(1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("reconcile")) {
      ReconcileCommand.run(List.of(args).subList(1, args.length));
      return;
    }
    String configPath = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) exit(EXIT_USAGE, List.of("--config needs a file path"));
          configPath = args[++i];
        }
        case "serve" -> { /* the default command */ }
        case "-h", "--help" -> exit(0, List.of(USAGE));
        default -> exit(EXIT_USAGE, List.of("unknown argument '" + args[i] + "'", USAGE));
      }
    }

    String faultProblem = io.bourse.common.FaultPoints.problem();
    if (faultProblem != null) exit(EXIT_CONFIG, List.of("config error: " + faultProblem));

    Metrics metrics = new Metrics();
    Vertx vertx = Vertx.builder().with(metrics.applyTo(vertxOptions())).withMetrics(metrics.factory()).build();
    logTransport(vertx);
    BourseConfig.Parsed parsed;
    try {
      // The main thread is not a Vert.x thread, so awaiting here blocks no event loop.
      parsed = BourseConfig.parse(ConfigLoader.load(vertx, configPath, System.getenv()).await());
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
    BourseConfig config = parsed.config();
    if (config.clusterEnabled()) {
      vertx.close();
      exit(EXIT_CONFIG, List.of("config error: cluster.enabled: clustering is not available in this build yet"));
    }

    BourseApp app;
    try {
      app = BourseApp.start(vertx, config, metrics).await();
    } catch (Exception e) {
      log.error("Start-up failed: {}", e.toString());
      vertx.close();
      exit(EXIT_START_FAILED, List.of("start-up failed: " + e.getMessage()));
      return;
    }
    log.info("Bourse {} ready on port {} in {} ms ({})", app.health().version(), app.httpPort(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), config);
    if (hugeMethodsInterpreted()) {
      log.info("JVM runs methods over 8,000 bytes of bytecode interpreted: request validation (vertx-json-schema's "
          + "validator is one such method) costs several times its compiled price; start with "
          + "-XX:-DontCompileHugeMethods, as the Docker image does");
    }

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down");
      try {
        // Shutdown-hook thread, not an event loop: waiting for the drain is the point.
        // Two waits, not stop().eventually(vertx::close): a continuation chained after close() would be delivered on
        // an event loop that close() has just stopped, and the hook would hang until the timeout.
        app.stop().await(config.http().shutdownGraceSeconds() + 10L, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Shutdown did not complete cleanly: {}", e.toString());
      }
    }, "bourse-shutdown"));
  }

  /** HotSpot skips methods over 8,000 bytes of bytecode unless told otherwise (-XX:-DontCompileHugeMethods). */
  static boolean hugeMethodsInterpreted() {
    try {
      var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      return hotspot != null && "true".equals(hotspot.getVMOption("DontCompileHugeMethods").getValue());
    } catch (RuntimeException e) {
      return false; // not HotSpot: nothing to advise
    }
  }

  private static void exit(int code, List<String> lines) {
    PrintStream out = code == 0 ? System.out : System.err;
    lines.forEach(out::println);
    System.exit(code);
  }
}

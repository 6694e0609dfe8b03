package io.bourse.venue;

import io.bourse.Bourse;
import io.bourse.config.ConfigProblems;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar bourse.jar venue [--host H] [--port N] [--data-dir DIR] [--config FILE]}: the paper venue alone,
 * in its own process, with its journal in {@code <dataDir>/venue}. {@code --config} names a JSON file in the shape of
 * Bourse's configuration; its {@code venue} section and {@code dataDir} are used. Flags override the file. Prints
 * {@code paper venue ready on http://HOST:PORT} once it listens; stops gracefully on SIGTERM.
 */
public final class PaperVenueCommand {
  private static final Logger log = LoggerFactory.getLogger(PaperVenueCommand.class);
  public static final String USAGE = "usage: java -jar bourse.jar venue [--host HOST] [--port N] [--data-dir DIR] "
      + "[--config FILE]";
  private static final int EXIT_USAGE = Bourse.EXIT_USAGE;
  private static final int EXIT_CONFIG = Bourse.EXIT_CONFIG;
  private static final int EXIT_START_FAILED = Bourse.EXIT_START_FAILED;

  private PaperVenueCommand() {}

  /** Runs the venue until the JVM is asked to stop; exits the JVM on a usage, config or start-up error. */
  public static void run(List<String> args) {
    String configFile = null;
    String dataDir = null;
    String host = null;
    Integer port = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--config", "--data-dir", "--port", "--host" -> {
          if (i + 1 >= args.size()) exit(EXIT_USAGE, List.of(arg + " needs a value", USAGE));
          String value = args.get(++i);
          switch (arg) {
            case "--config" -> configFile = value;
            case "--data-dir" -> dataDir = value;
            case "--host" -> host = value;
            default -> port = parsePort(value);
          }
        }
        case "-h", "--help" -> exit(0, List.of(USAGE));
        default -> exit(EXIT_USAGE, List.of("unknown argument '" + arg + "'", USAGE));
      }
    }

    JsonObject file = new JsonObject();
    if (configFile != null) {
      try {
        file = new JsonObject(Files.readString(Path.of(configFile)));
      } catch (IOException | DecodeException e) {
        exit(EXIT_CONFIG, List.of("config: cannot read " + configFile + ": " + e.getMessage()));
      }
    }
    ConfigProblems problems = new ConfigProblems();
    JsonObject section = problems.section(file, "", "venue").copy();
    if (host != null) section.put("host", host);
    if (port != null) section.put("port", port);
    VenueConfig config = VenueConfig.from(section, problems);
    String dir = dataDir != null ? dataDir : problems.stringIn(file, "", "dataDir", "./data");
    if (!problems.isEmpty()) exit(EXIT_CONFIG, problems.all().stream().map(p -> "config error: " + p).toList());

    Vertx vertx = Vertx.vertx(io.bourse.Bourse.vertxOptions());
    io.bourse.Bourse.logTransport(vertx);
    PaperVenueServer server = new PaperVenueServer(config, Path.of(dir).resolve("venue"));
    String deployment;
    try {
      // The main thread is not a Vert.x thread: waiting here blocks no event loop.
      deployment = vertx.deployVerticle(server).await();
    } catch (Exception e) {
      vertx.close();
      exit(EXIT_START_FAILED, List.of("start-up failed: " + e.getMessage()));
      return;
    }
    // The CLI's contract, on stdout rather than the log: scripts and the process tests (PaperVenueProcessTest,
    // CrashRecoveryTest) wait for this exact line to learn the port, whatever the logging configuration.
    System.out.println("paper venue ready on http://" + config.host() + ":" + server.actualPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Paper venue shutting down");
      try {
        // Two waits, not one chain: a future chained on the verticle's context could not deliver its result once
        // vertx.close() has stopped that context's event loop.
        vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
        vertx.close().await(30, TimeUnit.SECONDS);
        log.info("Paper venue stopped; journal closed");
      } catch (Exception e) {
        log.warn("Paper venue shutdown did not complete cleanly: {}", e.toString());
      }
    }, "venue-shutdown"));
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65_535) return port;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    exit(EXIT_USAGE, List.of("--port must be an integer between 0 and 65535, got '" + value + "'", USAGE));
    return -1;
  }

  private static void exit(int code, List<String> lines) {
    PrintStream out = code == 0 ? System.out : System.err;
    lines.forEach(out::println);
    System.exit(code);
  }
}

package io.bourse.support;

import io.bourse.BourseApp;
import io.bourse.config.BourseConfig;
import io.bourse.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The whole service started in-process the way the launcher starts it (bundled defaults, then overrides), on a free
 * port, with a web client pointed at it. A low blocked-thread threshold makes any blocking call on an event loop
 * show up as a warning in the test log.
 */
public final class TestApp implements AutoCloseable {
  public final Vertx vertx;
  public final BourseApp app;
  public final WebClient client;
  public final Metrics metrics;
  public final Path dataDir;

  private final BlockedLogWatch blocked;

  static {
    // Netty 4.2 registers a JFR event class on its first buffer allocation, which initialises JFR's metadata
    // repository: a one-off few hundred ms that would otherwise land on whichever event loop allocates first and trip
    // the strict blocked-thread guard below. Pay it here, on the test thread.
    try {
      Class.forName("io.netty.buffer.AllocateChunkEvent", true, TestApp.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError ignored) {
      // Another Netty version without the event: nothing to warm up.
    }
    ServerWarmUp.run();
  }

  private TestApp(Vertx vertx, BourseApp app, WebClient client, Metrics metrics, Path dataDir, BlockedLogWatch blocked) {
    this.blocked = blocked;
    this.vertx = vertx;
    this.app = app;
    this.client = client;
    this.metrics = metrics;
    this.dataDir = dataDir;
  }

  public static TestApp start(JsonObject overrides) throws Exception {
    BlockedLogWatch blocked = new BlockedLogWatch();
    Metrics metrics = new Metrics();
    VertxOptions options = metrics.applyTo(io.bourse.Bourse.vertxOptions())
        .setBlockedThreadCheckInterval(100)
        // 300 ms, not 200: on a 2-core box shared with Argon2 workers and other JVMs, a busy loop is sometimes simply
        // not scheduled for ~250 ms (seen as two loops "blocked" at once). Real blocking calls (JDBC, sleeps, sync IO)
        // still trip it: TestAppBlockedLoopTest blocks for 600 ms and must fail.
        .setMaxEventLoopExecuteTime(300)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(200).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
    Vertx vertx = Vertx.builder().with(options).withMetrics(metrics.factory()).build();
    Path dataDir = Files.createTempDirectory("bourse-test");
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/application.json")))
        .mergeIn(new JsonObject().put("dataDir", dataDir.toString())
            .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1")), true)
        .mergeIn(overrides, true);
    BourseConfig.Parsed parsed = BourseConfig.parse(json);
    if (!parsed.valid()) {
      vertx.close();
      throw new IllegalArgumentException("Test config invalid: " + parsed.problems().all());
    }
    BourseApp app = BourseApp.start(vertx, parsed.config(), metrics).await(30, TimeUnit.SECONDS);
    WebClient client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(app.httpPort()).setFollowRedirects(false));
    return new TestApp(vertx, app, client, metrics, dataDir, blocked);
  }

  public int port() { return app.httpPort(); }

  /** Stops the service; fails the test if anything blocked an event loop while it ran. */
  @Override
  public void close() throws Exception {
    client.close();
    app.stop().eventually(vertx::close).await(30, TimeUnit.SECONDS);
    java.util.List<String> warnings = blocked.stop();
    if (!warnings.isEmpty()) {
      throw new AssertionError("An event loop was blocked: " + warnings);
    }
  }
}

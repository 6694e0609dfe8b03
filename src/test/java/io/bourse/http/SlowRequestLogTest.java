package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Slow requests are logged with their own id, at a bounded rate: an overloaded service must not flood its log. */
class SlowRequestLogTest {
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger slowLog = (Logger) LoggerFactory.getLogger("io.bourse.http.slow");
  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void start() {
    lines.start();
    slowLog.addAppender(lines);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(new PlatformHandler(1, 2));
    router.route().handler(ctx -> vertx.setTimer(5, t -> ctx.response().end("ok")));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()));
  }

  @AfterEach
  void stop() {
    slowLog.detachAppender(lines);
    vertx.close().await();
  }

  private List<String> messages() {
    synchronized (lines.list) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Test
  void aBurstOfSlowRequestsLogsAFewLinesThenCountsTheRest() throws Exception {
    List<Future<?>> burst = IntStream.range(0, 12)
        .<Future<?>>mapToObj(i -> client.get("/x").putHeader("X-Request-Id", "burst-" + i).send()).toList();
    Future.all(burst).await();
    List<String> duringBurst = messages();
    // The burst may straddle a one-second window boundary, so at most two windows' worth.
    assertThat(duringBurst).hasSizeBetween(2, 4)
        .allSatisfy(m -> assertThat(m).matches("Slow request GET /x -> 200 in \\d+ ms \\(request burst-\\d+\\).*"));

    Thread.sleep(1_100);
    client.get("/x").putHeader("X-Request-Id", "after").send().await();
    List<String> all = messages();
    assertThat(all).hasSize(duringBurst.size() + 1);
    assertThat(all.get(all.size() - 1)).startsWith("Slow request GET /x -> 200 in ").contains("(request after)")
        .endsWith(" more slow requests not logged since the last line");
    // Every slow request is either a line or counted in a later line: none vanish without a trace.
    int counted = all.stream().map(m -> m.replaceAll(".*; (\\d+) more slow requests.*|.*", "$1"))
        .filter(c -> !c.isEmpty()).mapToInt(Integer::parseInt).sum();
    assertThat(counted).isEqualTo(12 - duringBurst.size());
  }
}

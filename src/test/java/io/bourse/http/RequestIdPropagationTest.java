package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.bourse.logging.RequestIdJsonProvider;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** X-Request-Id: HTTP header → log lines (production JSON encoder) → event-bus header → consumer → response. */
class RequestIdPropagationTest {
  private static Vertx vertx;
  private static WebClient client;
  private static final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private static OutputStreamAppender<ILoggingEvent> appender;

  @BeforeAll
  static void start() throws Exception {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(logging);
    encoder.addProvider(new RequestIdJsonProvider());
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(logging);
    appender.setEncoder(encoder);
    appender.setOutputStream(logBytes);
    appender.start();
    ((Logger) LoggerFactory.getLogger(PlatformTestRouter.RELAY_LOG.getName())).addAppender(appender);
    ((Logger) LoggerFactory.getLogger("io.bourse.http.slow")).addAppender(appender);

    vertx = Vertx.vertx();
    HttpServer server = PlatformTestRouter.start(vertx, 65536);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    appender.stop();
  }

  private static List<JsonObject> logLines() {
    synchronized (logBytes) {
      return Arrays.stream(logBytes.toString(StandardCharsets.UTF_8).split("\n"))
          .filter(l -> !l.isBlank()).map(JsonObject::new).toList();
    }
  }

  @Test
  void clientRequestIdTravelsThroughLogsAndTheEventBus() {
    String id = "req-7f3a9c01-test";
    HttpResponse<Buffer> response = client.get("/api/v1/relay").putHeader("X-Request-Id", id).send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("X-Request-Id")).isEqualTo(id);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("busHeader")).as("event-bus header set by the outbound interceptor").isEqualTo(id);
    assertThat(body.getString("consumerContextId")).as("adopted by the consumer's context").isEqualTo(id);
    assertThat(logLines())
        .filteredOn(l -> l.getString("message", "").startsWith("relay consumer handling"))
        .anySatisfy(l -> assertThat(l.getString("requestId")).isEqualTo(id));
    assertThat(logLines())
        .filteredOn(l -> l.getString("message", "").startsWith("Slow request GET /api/v1/relay"))
        .as("the request's own log line (slow threshold is 1 ms here) carries the id")
        .anySatisfy(l -> assertThat(l.getString("requestId")).isEqualTo(id));
  }

  @Test
  void missingRequestIdIsGenerated() {
    HttpResponse<Buffer> response = client.get("/api/v1/relay").send().await();
    String generated = response.getHeader("X-Request-Id");
    assertThat(generated).matches("[0-9a-f\\-]{36}");
    assertThat(response.bodyAsJsonObject().getString("busHeader")).isEqualTo(generated);
  }

  @Test
  void unsafeRequestIdIsReplacedNotEchoed() {
    for (String unsafe : List.of("bad id with spaces", "x".repeat(300), "<script>alert(1)</script>", "a\"},\"forged\":\"1")) {
      HttpResponse<Buffer> response = client.get("/health/live").putHeader("X-Request-Id", unsafe).send().await();
      assertThat(response.getHeader("X-Request-Id")).isNotEqualTo(unsafe).matches("[0-9a-f\\-]{36}");
    }
  }

  @Test
  void concurrentRequestsKeepTheirOwnIds() {
    List<String> ids = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "concurrent-" + i).toList();
    var futures = ids.stream()
        .map(id -> client.get("/api/v1/relay").putHeader("X-Request-Id", id).send()
            .map(r -> r.bodyAsJsonObject().getString("consumerContextId") + "|" + r.getHeader("X-Request-Id")))
        .toList();
    List<String> results = io.vertx.core.Future.all(futures).await().list();
    for (int i = 0; i < ids.size(); i++) {
      assertThat(results.get(i)).isEqualTo(ids.get(i) + "|" + ids.get(i));
    }
  }

  @Test
  void everyResponseCarriesServerTiming() {
    HttpResponse<Buffer> response = client.get("/health/live").send().await();
    assertThat(response.getHeader("Server-Timing")).matches("app;dur=\\d+\\.\\d{2}");
  }
}

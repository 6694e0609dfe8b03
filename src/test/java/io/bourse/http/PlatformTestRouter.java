package io.bourse.http;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.common.RequestContext;
import io.bourse.common.RequestIdBusInterceptors;
import io.bourse.config.BourseConfig;
import io.bourse.health.HealthService;
import io.bourse.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production router factory over a test contract whose operations exercise each failure class (schema, unknown
 * field, bad parameter, exception, domain error) and an event-bus hop.
 */
final class PlatformTestRouter {
  static final String RELAY_ADDRESS = "test.relay";
  static final long SLOW_MS = 700;
  static final long HANG_TIMEOUT_MS = 1_500;
  static final Logger RELAY_LOG = LoggerFactory.getLogger("io.bourse.test.relay");

  private PlatformTestRouter() {}

  static HttpServer start(Vertx vertx, int maxBodyBytes) throws Exception {
    return vertx.createHttpServer().requestHandler(factory(vertx, maxBodyBytes).create(vertx)).listen(0, "127.0.0.1")
        .await();
  }

  static ApiRouterFactory factory(Vertx vertx, int maxBodyBytes) throws Exception {
    RequestIdBusInterceptors.install(vertx);
    vertx.eventBus().<String>consumer(RELAY_ADDRESS, message -> {
      RELAY_LOG.info("relay consumer handling {}", message.body());
      message.reply(new JsonObject()
          .put("busHeader", message.headers().get(RequestContext.BUS_HEADER))
          .put("consumerContextId", RequestContext.current()));
    });
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf/application.json")));
    defaults.getJsonObject("http").put("maxBodyBytes", maxBodyBytes).put("slowRequestMs", 1)
        .put("slowRequestLinesPerSecond", 100_000)
        .put("requestTimeoutMs", HANG_TIMEOUT_MS);
    BourseConfig config = BourseConfig.parse(defaults).config();
    OpenAPIContract contract = OpenAPIContract.from(vertx, "test-contract.yaml").await();
    ApiArea area = builder -> {
      builder.getRoute("echo").addHandler(ctx -> ctx.json(ctx.body().asJsonObject()));
      builder.getRoute("listItems").addHandler(ctx -> ctx.json(new JsonObject().put("items", List.of())));
      builder.getRoute("boom").addHandler(ctx -> {
        throw new IllegalStateException("secret internal detail at com.example.Hidden");
      });
      builder.getRoute("conflict").addHandler(ctx -> ctx.fail(new BourseException(ErrorCode.CONFLICT_IDEMPOTENCY)));
      builder.getRoute("relay").addHandler(ctx -> vertx.eventBus().<JsonObject>request(RELAY_ADDRESS, "ping")
          .onSuccess(reply -> ctx.json(reply.body()))
          .onFailure(ctx::fail));
      builder.getRoute("slow").addHandler(ctx -> vertx.setTimer(SLOW_MS, t -> ctx.json(new JsonObject().put("done", true))));
      builder.getRoute("hang").addHandler(ctx -> { /* never answers: the request timeout must */ });
      builder.getRoute("relayNobody").addHandler(ctx -> vertx.eventBus().request("test.nobody.listens", "ping")
          .onSuccess(reply -> ctx.json(reply.body()))
          .onFailure(ctx::fail));
    };
    HealthService health = new HealthService(vertx, "test", 1000);
    health.markStarted();
    ApiRouterFactory factory = new ApiRouterFactory(contract, Buffer.buffer("openapi: 3.1.0"), config.http(), health,
        new Metrics().registry(), List.of(area), "0");
    return factory;
  }
}

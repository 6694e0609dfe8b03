package io.bourse.http;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.config.HttpConfig;
import io.bourse.health.HealthService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Builds the service's router from the OpenAPI contract: platform handlers first (request id, CORS, body limit, JSON
 * syntax), then contract validation, then each area's handlers; operational routes (metrics, contract, docs) and the
 * error envelope for everything that fails or matches nothing.
 */
public final class ApiRouterFactory {
  private static final Set<HttpMethod> BODY_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);
  private static final RequestExtractor EXTRACTOR = RequestExtractor.withBodyHandler();

  private final OpenAPIContract contract;
  private final Buffer contractText;
  private final HttpConfig http;
  private final HealthService health;
  private final PrometheusMeterRegistry registry;
  private final List<ApiArea> areas;
  private final String swaggerUiVersion;
  private final List<BiConsumer<Vertx, Router>> extraRoutes = new java.util.ArrayList<>();
  /** Built once per Vert.x instance and shared by its HTTP verticles' routers (validators are stateless). */
  private final java.util.Map<Vertx, ContractValidation> validations = new java.util.concurrent.ConcurrentHashMap<>();

  public ApiRouterFactory(OpenAPIContract contract, Buffer contractText, HttpConfig http, HealthService health,
                          PrometheusMeterRegistry registry, List<ApiArea> areas, String swaggerUiVersion) {
    this.contract = contract;
    this.contractText = contractText;
    this.http = http;
    this.health = health;
    this.registry = registry;
    this.areas = List.copyOf(areas);
    this.swaggerUiVersion = swaggerUiVersion;
  }

  /**
   * Routes outside the contract (the event-bus bridge) mounted on the same router, after the platform and root
   * handlers, so they share the port, CORS and request ids. Called once per created router.
   */
  public ApiRouterFactory withExtraRoutes(BiConsumer<Vertx, Router> mount) {
    extraRoutes.add(mount);
    return this;
  }

  public Router create(Vertx vertx) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, EXTRACTOR);
    ContractValidation validation = validations.computeIfAbsent(vertx, v -> new ContractValidation(v, contract));
    builder.rootHandler(new PlatformHandler(http.slowRequestMs(), http.slowRequestLinesPerSecond()));
    // No request may hang, whatever a dependency does: past the limit the client gets ERR_DEP_003. Except the
    // event-bus bridge, whose requests are sessions, not calls: a WebSocket, an xhr-streaming response or a long poll
    // lives as long as the client stays (a timeout there would cut every SockJS stream after requestTimeoutMs).
    Handler<RoutingContext> timeout = TimeoutHandler.create(http.requestTimeoutMs(), ErrorResponder.TIMED_OUT_STATUS);
    builder.rootHandler((io.vertx.ext.web.handler.PlatformHandler) ctx -> {
      if (isBridge(ctx.normalizedPath())) ctx.next();
      else timeout.handle(ctx);
    });
    if (!http.corsAllowedOrigins().isEmpty()) {
      builder.rootHandler(cors(http.corsAllowedOrigins()));
    }
    builder.rootHandler(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()));
    builder.rootHandler((InputTrustHandler) ApiRouterFactory::rejectMalformedJson);
    for (ApiArea area : areas) {
      area.rootHandlers().forEach(builder::rootHandler);
    }

    builder.getRoute("getLive").addHandler(ctx -> HealthRoutes.live(ctx, health));
    builder.getRoute("getReady").addHandler(ctx -> HealthRoutes.ready(ctx, health));
    builder.getRoute("getDetailedHealth").addHandler(ctx -> HealthRoutes.detailed(ctx, health));
    builder.getRoute("getDependencyHealth").addHandler(ctx -> HealthRoutes.dependency(ctx, health));
    for (ApiArea area : areas) {
      area.mount(builder);
    }
    for (OpenAPIRoute route : builder.getRoutes()) {
      if (route.getHandlers().isEmpty()) {
        // A contract operation without a handler would validate requests and then fall through to a 404.
        throw new IllegalStateException("No handler for operation " + route.getOperation().getOperationId());
      }
      Operation operation = route.getOperation();
      // The library's validation step is replaced by ours (same checks and errors, see ContractValidation); an
      // operation with nothing to validate (probes, plain GETs) gets none.
      route.setDoValidation(false);
      if (!operation.getParameters().isEmpty() || operation.getRequestBody() != null) {
        route.getHandlers().add(0, validation.handler(operation, EXTRACTOR));
      }
    }

    Router router = builder.createRouter();
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml")
        .end(contractText));
    router.getWithRegex("/docs").handler(ctx -> ctx.redirect("/docs/"));
    router.get("/docs/swagger-initializer.js").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/javascript")
        .end("window.onload = function () { window.ui = SwaggerUIBundle({ url: '/openapi.yaml', "
            + "dom_id: '#swagger-ui', deepLinking: true }); };"));
    router.route("/docs/*").handler(StaticHandler.create("META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion)
        .setCachingEnabled(true));
    for (BiConsumer<Vertx, Router> mount : extraRoutes) {
      mount.accept(vertx, router);
    }

    router.route().failureHandler(ErrorResponder::handle);
    router.errorHandler(404, ctx -> ErrorResponder.send(ctx, ErrorCode.NOT_FOUND_ROUTE,
        "No endpoint " + ctx.request().method() + " " + safePath(ctx), null));
    router.errorHandler(405, ErrorResponder::handle);
    router.errorHandler(413, ErrorResponder::handle);
    router.errorHandler(500, ErrorResponder::handle);
    router.errorHandler(ErrorResponder.TIMED_OUT_STATUS, ErrorResponder::handle);
    return router;
  }

  /**
   * Malformed JSON gets its own code (clients fix syntax differently from schema errors), so it is recognised before
   * the contract's validator sees the body.
   */
  private static void rejectMalformedJson(RoutingContext ctx) {
    if (BODY_METHODS.contains(ctx.request().method())) {
      String type = ctx.request().getHeader("Content-Type");
      Buffer body = ctx.body().buffer();
      if (body != null && body.length() > 0 && type != null && type.toLowerCase().startsWith("application/json")) {
        if (!isJsonObject(ctx)) {
          try {
            Json.decodeValue(body);
          } catch (DecodeException e) {
            ctx.fail(new BourseException(ErrorCode.VAL_MALFORMED_JSON));
            return;
          }
        }
      }
    }
    ctx.next();
  }

  /**
   * Parses the body as the object nearly every request body is, through the routing context, which keeps the result:
   * the handler's own {@code ctx.body().asJsonObject()} then costs nothing, where a separate syntax check parsed
   * each body twice.
   */
  private static boolean isJsonObject(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject() != null;
    } catch (RuntimeException notAnObject) {
      return false;
    }
  }

  private static CorsHandler cors(List<String> origins) {
    CorsHandler cors = origins.contains("*") ? CorsHandler.create() : CorsHandler.create().addOrigins(origins);
    return cors
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"))
        .exposedHeaders(Set.of("X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining",
            "RateLimit-Reset", "Server-Timing"))
        .maxAgeSeconds(600);
  }

  static boolean isBridge(String path) {
    return path != null && (path.equals("/eventbus") || path.startsWith("/eventbus/"));
  }

  private static String safePath(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }
}

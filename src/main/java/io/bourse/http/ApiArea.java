package io.bourse.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.List;

/**
 * One functional area of the API (auth, market, trading, admin, ...). It attaches its handlers to the operations of
 * the OpenAPI contract by operationId; the contract's validation runs before them.
 */
public interface ApiArea {
  void mount(RouterBuilder builder);

  /**
   * Handlers that run for every request after the platform handlers and before contract validation (e.g.
   * authentication: an unauthenticated caller should get 401, not a schema error).
   */
  default List<Handler<RoutingContext>> rootHandlers() {
    return List.of();
  }
}

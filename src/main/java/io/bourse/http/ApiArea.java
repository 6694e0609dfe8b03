package io.bourse.http;

import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * One functional area of the API (auth, market, trading, admin, ...). It attaches its handlers to the operations of
 * the OpenAPI contract by operationId; the contract's validation runs before them.
 */
public interface ApiArea {
  void mount(RouterBuilder builder);
}

package io.bourse.reconcile;

import io.bourse.auth.AuthArea;
import io.bourse.auth.Principal;
import io.bourse.auth.Role;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.http.ApiArea;
import io.bourse.store.Document;
import io.bourse.store.Query;
import io.bourse.store.StoreException;
import io.bourse.trading.TradingStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** {@code /api/v1/admin/reconciliation/runs}: start a run, list runs with their findings, read one. Operators only. */
public final class ReconciliationArea implements ApiArea {
  private final Vertx vertx;
  private final TradingStore store;
  private final String operatorTenant;

  public ReconciliationArea(Vertx vertx, TradingStore store, String operatorTenant) {
    this.vertx = vertx;
    this.store = store;
    this.operatorTenant = operatorTenant;
  }

  @Override
  public void mount(RouterBuilder builder) {
    builder.getRoute("startReconciliationRun").addHandler(this::operatorOnly).addHandler(this::start);
    builder.getRoute("listReconciliationRuns").addHandler(this::operatorOnly).addHandler(this::list);
    builder.getRoute("getReconciliationRun").addHandler(this::operatorOnly).addHandler(this::get);
  }

  private void operatorOnly(RoutingContext ctx) {
    Principal p = AuthArea.principal(ctx);
    if (!p.hasAtLeast(Role.ADMIN) || !p.tenantId().equals(operatorTenant)) {
      ctx.fail(new BourseException(ErrorCode.AUTH_FORBIDDEN, "Only operators may reconcile"));
    } else {
      ctx.next();
    }
  }

  private void start(RoutingContext ctx) {
    JsonObject given = ctx.body() == null ? null : ctx.body().asJsonObject();
    JsonObject body = given == null ? new JsonObject() : given;
    String accountId = body.getString("accountId");
    JsonObject request = new JsonObject().put("trigger", "operator").put("accountId", accountId)
        .put("rebuildHistory", body.getBoolean("rebuildHistory", false))
        .put("requestedBy", AuthArea.principal(ctx).userId());
    (accountId == null ? io.vertx.core.Future.<Document>succeededFuture(null) : store.read(TradingStore.REGISTRY, accountId))
        .compose(registered -> accountId != null && registered == null
            ? io.vertx.core.Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + accountId))
            : ReconciliationVerticle.requestRun(vertx, request, 10_000))
        .onSuccess(run -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .putHeader("Location", "/api/v1/admin/reconciliation/runs/" + run.getString("id")).end(run.encode()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String limit = ctx.queryParams().get("limit");
    Query query = Query.in(ReconciliationVerticle.PARTITION).eq(TradingStore.DOC_TYPE, "run").orderBy("runId", true)
        .limit(limit == null ? 20 : Integer.parseInt(limit)).continuation(ctx.queryParams().get("cursor")).build();
    store.page(query).onSuccess(page -> {
      JsonArray items = new JsonArray();
      for (Document d : page.items()) items.add(view(d.body()));
      JsonObject out = new JsonObject().put("items", items);
      if (page.continuation() != null) out.put("nextCursor", page.continuation());
      ctx.json(out);
    }).onFailure(e -> ctx.fail(e instanceof StoreException se && se.kind() == StoreException.Kind.INVALID_QUERY
        ? new BourseException(ErrorCode.VAL_PARAMETER, "cursor is not valid for this query",
            new JsonArray().add(BourseException.detail("cursor", "invalid or tampered")))
        : e));
  }

  private void get(RoutingContext ctx) {
    String runId = ctx.pathParam("runId");
    store.read(ReconciliationVerticle.PARTITION, ReconciliationVerticle.runDocId(runId)).onSuccess(d -> {
      if (d == null) ctx.fail(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No reconciliation run " + runId));
      else ctx.json(view(d.body()));
    }).onFailure(ctx::fail);
  }

  private static JsonObject view(JsonObject doc) {
    JsonObject copy = new JsonObject().put("id", doc.getString("runId"));
    doc.forEach(e -> {
      if (!e.getKey().equals("runId") && !e.getKey().equals(TradingStore.DOC_TYPE)) copy.put(e.getKey(), e.getValue());
    });
    return copy;
  }
}

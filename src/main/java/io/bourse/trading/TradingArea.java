package io.bourse.trading;

import io.bourse.auth.AuthArea;
import io.bourse.auth.Principal;
import io.bourse.auth.Role;
import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.common.RequestContext;
import io.bourse.http.ApiArea;
import io.bourse.market.Instrument;
import io.bourse.market.InstrumentJson;
import io.bourse.store.Document;
import io.bourse.store.Page;
import io.bourse.store.Query;
import io.bourse.store.StoreException;
import io.bourse.trading.domain.risk.TradingControl;
import io.bourse.trading.domain.risk.TradingState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * REST for trading. Commands and live state (accounts, snapshot, positions, place, cancel) go to the owning shard over
 * the event bus; history (orders, fills, ledger, order history) is read from the store, which holds exactly what was
 * acknowledged. Every route is confined to the caller's tenant: the account id is derived from the verified token, and
 * another tenant's account is answered like a missing one (404), so ids cannot be probed.
 */
public final class TradingArea implements ApiArea {
  private final Vertx vertx;
  private final TradingStore store;
  private final ShardClient shardClient;
  private final String operatorTenant;
  private final ProfileService profiles;

  public TradingArea(Vertx vertx, TradingStore store, ShardClient shardClient, String operatorTenant,
      ProfileService profiles) {
    this.vertx = vertx;
    this.store = store;
    this.shardClient = shardClient;
    this.operatorTenant = operatorTenant;
    this.profiles = profiles;
  }

  @Override
  public void mount(RouterBuilder builder) {
    builder.getRoute("listAccounts").addHandler(ctx -> command(ctx, "account", ownAccount(ctx), new JsonObject())
        .onSuccess(view -> ctx.json(new JsonObject().put("items", new JsonArray().add(view)))).onFailure(ctx::fail));
    builder.getRoute("getAccount").addHandler(ctx -> forward(ctx, "account", pathAccount(ctx)));
    builder.getRoute("getAccountSnapshot").addHandler(ctx -> forward(ctx, "snapshot", pathAccount(ctx)));
    builder.getRoute("listPositions").addHandler(ctx -> forward(ctx, "positions", queryAccount(ctx)));
    builder.getRoute("listLedger").addHandler(this::listLedger);
    builder.getRoute("getAccountLimits").addHandler(this::getAccountLimits);
    builder.getRoute("putAccountLimits").addHandler(this::putAccountLimits);
    builder.getRoute("placeOrder").addHandler(this::placeOrder);
    builder.getRoute("listOrders").addHandler(this::listOrders);
    builder.getRoute("getOrder").addHandler(this::getOrder);
    builder.getRoute("cancelOrder").addHandler(this::cancelOrder);
    builder.getRoute("getOrderHistory").addHandler(this::getOrderHistory);
    builder.getRoute("listFills").addHandler(this::listFills);
    builder.getRoute("getTradingControl").addHandler(ctx -> TradingQueries.loadControl(store)
        .compose(c -> visibleControl(AuthArea.principal(ctx), c)).onSuccess(ctx::json).onFailure(ctx::fail));
    builder.getRoute("putTradingControl").addHandler(this::putTradingControl);
    builder.getRoute("listTradingSessions").addHandler(this::listSessions);
  }

  // --- Accounts ----------------------------------------------------------------------------------------------------

  private static String ownAccount(RoutingContext ctx) { return TradingVerticle.accountIdFor(AuthArea.principal(ctx).tenantId()); }

  /** The account named in the path if it is the caller's; otherwise a 404 (never a 403 that confirms it exists). */
  private static String pathAccount(RoutingContext ctx) { return owned(ctx, ctx.pathParam("id")); }

  private static String queryAccount(RoutingContext ctx) {
    String requested = ctx.queryParams().get("accountId");
    return requested == null ? ownAccount(ctx) : owned(ctx, requested);
  }

  private static String owned(RoutingContext ctx, String accountId) {
    if (!ownAccount(ctx).equals(accountId)) {
      throw new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + accountId);
    }
    return accountId;
  }

  private boolean isOperator(Principal p) { return p.hasAtLeast(Role.ADMIN) && p.tenantId().equals(operatorTenant); }

  /** The account's risk limits: the operator's for it, the configured defaults, and what applies. */
  private void getAccountLimits(RoutingContext ctx) {
    Principal p = AuthArea.principal(ctx);
    (isOperator(p) ? shardClient.sendAsOperator(p, "limits", ctx.pathParam("id"), new JsonObject())
        : command(ctx, "limits", pathAccount(ctx), new JsonObject())).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  /** Operators set an account's limits (they replace the defaults where set; null or absent: the default applies). */
  private void putAccountLimits(RoutingContext ctx) {
    Principal p = AuthArea.principal(ctx);
    if (!isOperator(p)) throw new BourseException(ErrorCode.AUTH_FORBIDDEN, "Only an operator may set an account's limits");
    JsonObject body = ctx.body().asJsonObject();
    shardClient.sendAsOperator(p, "setLimits", ctx.pathParam("id"), new JsonObject()
            .put("limits", body.getJsonObject("limits")).put("reason", body.getString("reason")))
        .onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void forward(RoutingContext ctx, String action, String accountId) {
    command(ctx, action, accountId, new JsonObject()).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private Future<JsonObject> command(RoutingContext ctx, String action, String accountId, JsonObject cmd) {
    return shardClient.send(AuthArea.principal(ctx), action, accountId, cmd);
  }

  // --- Orders ------------------------------------------------------------------------------------------------------

  private void placeOrder(RoutingContext ctx) {
    requireRole(ctx, Role.TRADER);
    JsonObject body = ctx.body().asJsonObject();
    String accountId = body.containsKey("accountId") ? owned(ctx, body.getString("accountId")) : ownAccount(ctx);
    String key = ctx.request().getHeader("Idempotency-Key");
    JsonObject cmd = body.copy().put("idempotencyKey", key).put("requestHash", requestHash(body.copy().put("accountId", accountId)));
    cmd.remove("profileId");
    command(ctx, "place", accountId, cmd).compose(ShardClient::failureOf).onSuccess(reply -> {
      ctx.response().setStatusCode(reply.getInteger("status")).putHeader("Content-Type", "application/json")
          .end(reply.getJsonObject("body").encode());
    }).onFailure(ctx::fail);
  }

  /** SHA-256 of the body with keys sorted, so the same request in another key order is the same request. */
  static String requestHash(JsonObject body) {
    String canonical = new JsonObject(new TreeMap<>(body.getMap())).encode();
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required on every Java platform", e);
    }
  }

  private void cancelOrder(RoutingContext ctx) {
    requireRole(ctx, Role.TRADER);
    command(ctx, "cancel", ownAccount(ctx), new JsonObject().put("orderId", ctx.pathParam("id")))
        .onSuccess(reply -> ctx.json(reply.getJsonObject("body"))).onFailure(ctx::fail);
  }

  private void listOrders(RoutingContext ctx) {
    String accountId = queryAccount(ctx);
    Query.Builder query = Query.in(accountId).eq(TradingStore.DOC_TYPE, "order").orderBy("createdAt", true);
    String status = ctx.queryParams().get("status");
    if (status != null) query.eq("status", status);
    String symbol = ctx.queryParams().get("symbol");
    if (symbol != null) query.eq("symbol", symbol);
    String open = ctx.queryParams().get("open");
    if (open != null) query.eq("open", Boolean.parseBoolean(open));
    page(ctx, query, doc -> TradingJson.order(TradingJson.orderFrom(doc)));
  }

  private void getOrder(RoutingContext ctx) {
    readOrder(ctx).onSuccess(doc -> ctx.json(TradingJson.order(TradingJson.orderFrom(doc)))).onFailure(ctx::fail);
  }

  private Future<JsonObject> readOrder(RoutingContext ctx) {
    String orderId = ctx.pathParam("id");
    return store.read(ownAccount(ctx), TradingStore.orderDocId(orderId)).compose(doc -> doc == null
        ? Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No order " + orderId))
        : Future.succeededFuture(doc.body()));
  }

  private void getOrderHistory(RoutingContext ctx) {
    readOrder(ctx).compose(order -> store.history(order.getString("accountId"), order)).onSuccess(events -> {
      JsonArray items = new JsonArray();
      events.forEach(e -> {
        JsonObject item = e.copy();
        item.remove(TradingStore.DOC_TYPE);
        items.add(item);
      });
      ctx.json(new JsonObject().put("items", items));
    }).onFailure(ctx::fail);
  }

  private void listFills(RoutingContext ctx) {
    Query.Builder query = Query.in(queryAccount(ctx)).eq(TradingStore.DOC_TYPE, "fill").orderBy("createdAt", true);
    String orderId = ctx.queryParams().get("orderId");
    if (orderId != null) query.eq("orderId", orderId);
    page(ctx, query, TradingArea::withoutType);
  }

  /**
   * Ledger entries oldest first. The store keeps one document per command and currency holding its entries (numbered
   * consecutively, {@code number} = the last), so pages are cut by entry number: the cursor is the number of the last
   * entry returned. Documents of the earlier one-entry-per-document form are read as single entries.
   */
  private void listLedger(RoutingContext ctx) {
    String accountId = pathAccount(ctx);
    String limitParam = ctx.queryParams().get("limit");
    int limit = limitParam == null ? 50 : Integer.parseInt(limitParam);
    long after = ledgerCursor(ctx.queryParams().get("cursor"));
    Query.Builder query = Query.in(accountId).eq(TradingStore.DOC_TYPE, "ledger").where("number", Query.Op.GT, after)
        .orderBy("number", false).limit(limit);
    String currency = ctx.queryParams().get("currency");
    if (currency != null) query.eq("currency", currency);
    store.page(query.build()).onSuccess((Page page) -> {
      JsonArray items = new JsonArray();
      boolean more = page.continuation() != null;
      long last = after;
      for (Document d : page.items()) {
        JsonArray entries = d.body().getJsonArray("entries");
        List<JsonObject> docEntries = new ArrayList<>();
        if (entries == null) docEntries.add(TradingJson.fromStore(d.body(), "entryId"));
        else for (int i = 0; i < entries.size(); i++) docEntries.add(entries.getJsonObject(i));
        for (JsonObject entry : docEntries) {
          long number = entry.getLong("number");
          if (number <= after) continue;
          if (items.size() == limit) {
            more = true;
            break;
          }
          items.add(entry);
          last = number;
        }
      }
      JsonObject out = new JsonObject().put("items", items);
      if (more) out.put("nextCursor", "e" + last);
      ctx.json(out);
    }).onFailure(ctx::fail);
  }

  private static long ledgerCursor(String cursor) {
    if (cursor == null) return 0;
    if (!cursor.matches("e[0-9]{1,18}")) {
      throw new BourseException(ErrorCode.VAL_PARAMETER, "cursor is not valid for this query",
          new JsonArray().add(BourseException.detail("cursor", "invalid or tampered")));
    }
    return Long.parseLong(cursor.substring(1));
  }

  private static JsonObject withoutType(JsonObject doc) {
    JsonObject copy = doc.copy();
    copy.remove(TradingStore.DOC_TYPE);
    return copy;
  }

  private void page(RoutingContext ctx, Query.Builder query, Function<JsonObject, JsonObject> view) {
    String limit = ctx.queryParams().get("limit");
    query.limit(limit == null ? 50 : Integer.parseInt(limit)).continuation(ctx.queryParams().get("cursor"));
    store.page(query.build()).onSuccess((Page page) -> {
      JsonArray items = new JsonArray();
      for (Document d : page.items()) items.add(view.apply(d.body()));
      JsonObject out = new JsonObject().put("items", items);
      if (page.continuation() != null) out.put("nextCursor", page.continuation());
      ctx.json(out);
    }).onFailure(e -> ctx.fail(e instanceof StoreException se && se.kind() == StoreException.Kind.INVALID_QUERY
        ? new BourseException(ErrorCode.VAL_PARAMETER, "cursor is not valid for this query",
            new JsonArray().add(BourseException.detail("cursor", "invalid or tampered")))
        : e));
  }

  // --- Control and sessions ----------------------------------------------------------------------------------------

  /**
   * Operators see every account's and profile's state; anyone else only their own account's and their own tenant's
   * profiles' (no other tenant's account or profile ids).
   */
  private Future<JsonObject> visibleControl(Principal p, TradingControl control) {
    JsonObject json = TradingQueries.controlJson(control);
    if (p.hasAtLeast(Role.ADMIN) && p.tenantId().equals(operatorTenant)) return Future.succeededFuture(json);
    String own = TradingVerticle.accountIdFor(p.tenantId());
    JsonObject accounts = new JsonObject();
    if (control.byAccount().containsKey(own)) accounts.put(own, control.byAccount().get(own).name());
    json.put("accounts", accounts);
    if (control.byProfile().isEmpty()) return Future.succeededFuture(json);
    return profiles.ofAccount(p.tenantId(), own).map(mine -> {
      java.util.Set<String> ids = new java.util.HashSet<>();
      mine.forEach(profile -> ids.add(profile.getString("id")));
      JsonObject visible = new JsonObject();
      control.byProfile().forEach((id, state) -> {
        if (ids.contains(id)) visible.put(id, state.name());
      });
      return json.put("profiles", visible);
    });
  }

  private void putTradingControl(RoutingContext ctx) {
    Principal p = AuthArea.principal(ctx);
    JsonObject body = ctx.body().asJsonObject();
    TradingState state = TradingState.valueOf(body.getString("state"));
    String profileId = body.getString("profileId");
    String accountId = body.getString("accountId");
    if (profileId != null && accountId != null) {
      ctx.fail(new BourseException(ErrorCode.VAL_PARAMETER, "Set either profileId or accountId, not both",
          new JsonArray().add(BourseException.detail("accountId", "not allowed together with profileId"))));
      return;
    }
    Future<Void> allowed;
    if (profileId == null) {
      // The global state stops every tenant's trading, an account's state is what reconciliation flags: only
      // operators (admins of the bootstrap tenant) may set them.
      if (!p.hasAtLeast(Role.ADMIN) || !p.tenantId().equals(operatorTenant)) {
        ctx.fail(new BourseException(ErrorCode.AUTH_FORBIDDEN, accountId == null
            ? "Only an operator may change the global trading state" : "Only an operator may change an account's trading state"));
        return;
      }
      allowed = Future.succeededFuture();
    } else {
      requireRole(ctx, Role.TRADER);
      allowed = profiles.get(p.tenantId(), profileId).mapEmpty();
    }
    JsonObject audit = new JsonObject().put("state", state.name()).put("profileId", profileId).put("accountId", accountId)
        .put("reason", body.getString("reason")).put("userId", p.userId()).put("tenantId", p.tenantId());
    allowed.compose(v -> ControlUpdates.update(vertx, store, c -> profileId != null ? c.withProfile(profileId, state)
            : accountId != null ? c.withAccount(accountId, state) : c.withGlobal(state), audit))
        .compose(c -> visibleControl(p, c)).onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void listSessions(RoutingContext ctx) {
    TradingQueries.loadCatalogue(store.documents()).onSuccess(catalogue -> {
      Instant now = Instant.now();
      JsonArray items = new JsonArray();
      catalogue.all().stream().sorted((a, b) -> a.symbol().compareTo(b.symbol())).forEach((Instrument i) -> {
        JsonObject item = new JsonObject().put("symbol", i.symbol()).put("session", InstrumentJson.sessionJson(i.session()))
            .put("open", i.session().isOpen(now));
        if (!i.session().alwaysOpen()) {
          item.put("nextOpen", String.valueOf(i.session().nextOpen(now)));
          i.session().nextClose(now).ifPresent(close -> item.put("nextClose", close.toString()));
        }
        items.add(item);
      });
      ctx.json(new JsonObject().put("items", items).put("at", now.toString()));
    }).onFailure(ctx::fail);
  }

  private static void requireRole(RoutingContext ctx, Role role) {
    if (!AuthArea.principal(ctx).hasAtLeast(role)) {
      throw new BourseException(ErrorCode.AUTH_FORBIDDEN, "This operation needs the " + role.wire() + " role");
    }
  }
}

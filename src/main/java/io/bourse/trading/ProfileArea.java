package io.bourse.trading;

import io.bourse.auth.AuthArea;
import io.bourse.auth.Principal;
import io.bourse.auth.Role;
import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.http.ApiArea;
import io.bourse.market.Instrument;
import io.bourse.market.InstrumentJson;
import io.bourse.market.MarketDataVerticle;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.util.UUID;

/**
 * REST for strategy profiles. A profile is validated into the domain form before it is stored, its account must be
 * the caller's, and every change is announced to the shards, which (re)register or drop it in their evaluators.
 */
public final class ProfileArea implements ApiArea {
  private final Vertx vertx;
  private final DocumentStore store;
  private final ProfileService profiles;
  private final ShardClient shards;

  public ProfileArea(Vertx vertx, DocumentStore store, ProfileService profiles, ShardClient shards) {
    this.vertx = vertx;
    this.store = store;
    this.profiles = profiles;
    this.shards = shards;
  }

  @Override
  public void mount(RouterBuilder builder) {
    builder.getRoute("listProfiles").addHandler(this::list);
    builder.getRoute("createProfile").addHandler(this::create);
    builder.getRoute("getProfile").addHandler(ctx -> profiles.get(tenant(ctx), ctx.pathParam("id"))
        .onSuccess(ctx::json).onFailure(ctx::fail));
    builder.getRoute("updateProfile").addHandler(this::update);
    builder.getRoute("deleteProfile").addHandler(this::delete);
    builder.getRoute("enableProfile").addHandler(ctx -> setEnabled(ctx, true));
    builder.getRoute("disableProfile").addHandler(ctx -> setEnabled(ctx, false));
  }

  private static String tenant(RoutingContext ctx) { return AuthArea.principal(ctx).tenantId(); }

  private void list(RoutingContext ctx) {
    String limit = ctx.queryParams().get("limit");
    profiles.list(tenant(ctx), limit == null ? 50 : Integer.parseInt(limit), ctx.queryParams().get("cursor"))
        .onSuccess(page -> {
          JsonArray items = new JsonArray();
          page.items().forEach(d -> items.add(ProfileService.api(d.body()).put("version", d.etag())));
          JsonObject out = new JsonObject().put("items", items);
          if (page.continuation() != null) out.put("nextCursor", page.continuation());
          ctx.json(out);
        }).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Principal p = requireTrader(ctx);
    JsonObject body = ctx.body().asJsonObject();
    String accountId = body.getString("accountId", TradingVerticle.accountIdFor(p.tenantId()));
    Instant now = Instant.now();
    JsonObject profile = body.copy().put("id", "pf-" + UUID.randomUUID()).put("accountId", accountId)
        .put("tenantId", p.tenantId()).put("enabled", body.getBoolean("enabled", false))
        .put("createdAt", now.toString()).put("updatedAt", now.toString());
    validated(ctx, profile)
        // The account must be the caller's and exist before a profile can trade on it: the shard creates it if new.
        .compose(v -> shards.send(p, "account", accountId, new JsonObject()))
        .compose(v -> profiles.create(p.tenantId(), profile))
        .onSuccess(created -> {
          announce(created);
          ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(created.encode());
        }).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Principal p = requireTrader(ctx);
    String id = ctx.pathParam("id");
    JsonObject body = ctx.body().asJsonObject();
    profiles.document(p.tenantId(), id).compose(doc -> {
      if (doc == null) return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No profile " + id));
      JsonObject current = ProfileService.api(doc.body());
      JsonObject next = body.copy().put("id", id).put("accountId", current.getString("accountId"))
          .put("tenantId", p.tenantId()).put("enabled", body.getBoolean("enabled", current.getBoolean("enabled", false)))
          .put("createdAt", current.getString("createdAt")).put("updatedAt", Instant.now().toString());
      String ifMatch = ctx.request().getHeader("If-Match");
      return validated(ctx, next).compose(v -> profiles.replace(p.tenantId(), next, ifMatch != null ? ifMatch : doc.etag()));
    }).onSuccess(updated -> {
      announce(updated);
      ctx.json(updated);
    }).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Principal p = requireTrader(ctx);
    String id = ctx.pathParam("id");
    profiles.get(p.tenantId(), id).compose(existing -> profiles.delete(p.tenantId(), id).map(existing))
        .onSuccess(existing -> {
          announce(existing.copy().put("enabled", false).put("deleted", true));
          ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
  }

  private void setEnabled(RoutingContext ctx, boolean enabled) {
    Principal p = requireTrader(ctx);
    String id = ctx.pathParam("id");
    profiles.document(p.tenantId(), id).compose(doc -> {
      if (doc == null) return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No profile " + id));
      JsonObject next = ProfileService.api(doc.body()).put("enabled", enabled).put("updatedAt", Instant.now().toString());
      return profiles.replace(p.tenantId(), next, doc.etag());
    }).onSuccess(updated -> {
      announce(updated);
      ctx.json(updated);
    }).onFailure(ctx::fail);
  }

  /** Checks the account is the caller's, the symbol is known, and the strategy makes sense (ERR_VAL_002 otherwise). */
  private Future<Void> validated(RoutingContext ctx, JsonObject profile) {
    String own = TradingVerticle.accountIdFor(tenant(ctx));
    if (!own.equals(profile.getString("accountId"))) {
      return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + profile.getString("accountId")));
    }
    String symbol = profile.getString("symbol");
    return store.read(MarketDataVerticle.INSTRUMENTS_CONTAINER, MarketDataVerticle.INSTRUMENTS_PARTITION, symbol)
        .compose(doc -> {
          if (doc == null) {
            return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_INSTRUMENT, "Unknown instrument " + symbol,
                new JsonArray().add(BourseException.detail("symbol", "unknown instrument"))));
          }
          Instrument instrument = InstrumentJson.fromJson(doc.body());
          ProfileService.toDomain(profile, instrument.lotSize());
          ProfileService.limits(profile);
          return Future.succeededFuture();
        });
  }

  private void announce(JsonObject profile) {
    vertx.eventBus().publish(Addresses.TRADING_PROFILES_CHANGED, profile);
  }

  private static Principal requireTrader(RoutingContext ctx) {
    Principal p = AuthArea.principal(ctx);
    if (!p.hasAtLeast(Role.TRADER)) throw new BourseException(ErrorCode.AUTH_FORBIDDEN, "This operation needs the trader role");
    return p;
  }
}

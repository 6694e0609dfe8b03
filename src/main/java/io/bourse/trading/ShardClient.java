package io.bourse.trading;

import io.bourse.auth.Principal;
import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.common.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/** Sends commands to the shard that owns an account; an error reply becomes the coded failure it names. */
public final class ShardClient {
  private final Vertx vertx;
  private final int shards;
  private final DeliveryOptions options;

  public ShardClient(Vertx vertx, int shards, long timeoutMs) {
    this.vertx = vertx;
    this.shards = shards;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<JsonObject> send(Principal caller, String action, String accountId, JsonObject cmd) {
    cmd.put("action", action).put("tenantId", caller.tenantId()).put("userId", caller.userId())
        .put("accountId", accountId).put("requestId", RequestContext.current());
    return vertx.eventBus().<JsonObject>request(Addresses.tradingCommand(TradingVerticle.shardOf(accountId, shards)),
        cmd, options).compose(reply -> failureOf(reply.body()));
  }

  /**
   * An operator's command on any tenant's account: it carries the account's own tenant, so the shard's ownership check
   * holds (the caller's operator rights were checked by the REST layer). An id that names no paper account is a 404.
   */
  public Future<JsonObject> sendAsOperator(Principal operator, String action, String accountId, JsonObject cmd) {
    String tenantId = TradingVerticle.tenantOf(accountId);
    if (tenantId == null) return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + accountId));
    cmd.put("action", action).put("tenantId", tenantId).put("userId", operator.userId())
        .put("accountId", accountId).put("requestId", RequestContext.current());
    return vertx.eventBus().<JsonObject>request(Addresses.tradingCommand(TradingVerticle.shardOf(accountId, shards)),
        cmd, options).compose(reply -> failureOf(reply.body()));
  }

  /** The reply itself, or the failure it carries as {"error": {"code", "message"}}. */
  static Future<JsonObject> failureOf(JsonObject body) {
    JsonObject error = body.getJsonObject("error");
    if (error == null) return Future.succeededFuture(body);
    ErrorCode code = ErrorCode.fromCode(error.getString("code"));
    return Future.failedFuture(new BourseException(code == null ? ErrorCode.INTERNAL : code, error.getString("message"),
        error.getJsonArray("details")));
  }
}

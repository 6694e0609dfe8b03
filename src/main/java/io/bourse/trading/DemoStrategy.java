package io.bourse.trading;

import io.bourse.auth.Principal;
import io.bourse.auth.Role;
import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.config.BourseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On embedded defaults the service should visibly trade on its own: the bootstrap tenant gets one enabled EMA
 * crossover profile on BTC-USD (a 24/7 market, so it trades at any hour) the first time the service starts. An
 * operator who disables or deletes it keeps it that way: it is created only if it never existed.
 */
public final class DemoStrategy {
  private static final Logger log = LoggerFactory.getLogger(DemoStrategy.class);
  public static final String PROFILE_ID = "demo-ema-crossover";
  private static final String MARKER = "demo-strategy-created";

  private DemoStrategy() {}

  public static Future<Void> ensure(Vertx vertx, BourseConfig config, ProfileService profiles, TradingStore store,
      ShardClient shards) {
    if (!config.trading().demoStrategy()) return Future.succeededFuture();
    String tenant = config.auth().bootstrapTenant();
    String accountId = TradingVerticle.accountIdFor(tenant);
    Principal system = new Principal("system", tenant, Set.of(Role.ADMIN), 0L);
    return store.read(TradingStore.CONTROL, MARKER).compose(marker -> {
      if (marker != null) return Future.<Void>succeededFuture();
      Instant now = Instant.now();
      JsonObject profile = new JsonObject().put("id", PROFILE_ID).put("name", "Demo: EMA 5/20 crossover on BTC-USD")
          .put("accountId", accountId).put("tenantId", tenant).put("symbol", "BTC-USD").put("enabled", true)
          .put("strategy", new JsonObject().put("type", "MA_CROSSOVER").put("average", "EMA").put("fastPeriod", 5)
              .put("slowPeriod", 20))
          .put("exits", new JsonObject().put("stopLoss", "0.01").put("takeProfit", "0.02"))
          .put("cooldownSeconds", 30)
          .put("sizing", new JsonObject().put("type", "FIXED_NOTIONAL").put("notional", "1000"))
          .put("createdAt", now.toString()).put("updatedAt", now.toString());
      return shards.send(system, "account", accountId, new JsonObject())
          .compose(v -> profiles.create(tenant, profile).recover(e -> e instanceof BourseException be
              && be.code() == ErrorCode.CONFLICT_EXISTS ? Future.succeededFuture(profile) : Future.failedFuture(e)))
          .compose(created -> store.documents().upsert(TradingStore.CONTAINER, io.bourse.store.Document.of(
              TradingStore.CONTROL, MARKER, new JsonObject().put("profileId", PROFILE_ID).put("createdAt", now.toString())))
              .map(created))
          .map(created -> {
            vertx.eventBus().publish(Addresses.TRADING_PROFILES_CHANGED, created);
            log.info("Demo strategy profile {} created and enabled for tenant {}", PROFILE_ID, tenant);
            return null;
          });
    });
  }
}

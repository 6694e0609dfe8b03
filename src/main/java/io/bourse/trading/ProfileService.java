package io.bourse.trading;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreException;
import io.bourse.trading.domain.risk.RiskLimits;
import io.bourse.trading.strategy.EntryRule;
import io.bourse.trading.strategy.ExitRules;
import io.bourse.trading.strategy.PositionSizing;
import io.bourse.trading.strategy.StrategyProfile;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Strategy profiles: stored per tenant (container {@code profiles}, partition = tenant id), validated into the plain
 * domain {@link StrategyProfile} the evaluator runs. The stored JSON is the API form; {@link #toDomain} is the one
 * place that reads it, for REST validation and for the shards alike.
 */
public final class ProfileService {
  public static final String CONTAINER = "profiles";

  private final DocumentStore store;

  public ProfileService(DocumentStore store) { this.store = store; }

  public Future<Void> ensure() {
    return store.ensureContainer(ContainerSpec.of(CONTAINER, "accountId", "enabled", "createdAt")).mapEmpty();
  }

  public Future<JsonObject> get(String tenantId, String profileId) {
    return store.read(CONTAINER, tenantId, profileId).compose(doc -> doc == null
        ? Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No profile " + profileId))
        : Future.succeededFuture(withVersion(doc)));
  }

  public Future<Document> document(String tenantId, String profileId) { return store.read(CONTAINER, tenantId, profileId); }

  public Future<List<JsonObject>> ofAccount(String tenantId, String accountId) {
    List<JsonObject> out = new ArrayList<>();
    return page(Query.in(tenantId).eq("accountId", accountId), null, out).map(v -> out);
  }

  private Future<Void> page(Query.Builder query, String continuation, List<JsonObject> out) {
    return store.query(CONTAINER, query.limit(1000).continuation(continuation).build()).compose(page -> {
      page.items().forEach(d -> out.add(api(d.body())));
      return page.continuation() == null ? Future.succeededFuture() : page(query, page.continuation(), out);
    });
  }

  public Future<io.bourse.store.Page> list(String tenantId, int limit, String cursor) {
    return store.query(CONTAINER, Query.in(tenantId).orderBy("createdAt", false).limit(limit).continuation(cursor).build());
  }

  public Future<JsonObject> create(String tenantId, JsonObject profile) {
    return store.create(CONTAINER, Document.of(tenantId, profile.getString("id"), TradingJson.toStore(profile, "profileId"))).map(ProfileService::withVersion)
        .recover(e -> Future.failedFuture(e instanceof StoreException se && se.kind() == StoreException.Kind.CONFLICT
            ? new BourseException(ErrorCode.CONFLICT_EXISTS, "Profile " + profile.getString("id") + " already exists") : e));
  }

  /** Replaces with the caller's version (ETag) when given, so two editors cannot silently overwrite each other. */
  public Future<JsonObject> replace(String tenantId, JsonObject profile, String ifMatch) {
    return store.replace(CONTAINER, Document.of(tenantId, profile.getString("id"), TradingJson.toStore(profile, "profileId")), ifMatch)
        .map(ProfileService::withVersion)
        .recover(e -> Future.failedFuture(e instanceof StoreException se && se.kind() == StoreException.Kind.PRECONDITION_FAILED
            ? new BourseException(ErrorCode.CONFLICT_VERSION, "Profile was modified concurrently; re-read it") : e));
  }

  public Future<Void> delete(String tenantId, String profileId) {
    return store.delete(CONTAINER, tenantId, profileId, null).recover(e -> Future.failedFuture(
        e instanceof StoreException se && se.kind() == StoreException.Kind.NOT_FOUND
            ? new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No profile " + profileId) : e));
  }

  private static JsonObject withVersion(Document doc) { return api(doc.body()).put("version", doc.etag()); }

  /** The API form of a stored profile (the store keeps its id as {@code profileId}). */
  public static JsonObject api(JsonObject stored) { return TradingJson.fromStore(stored, "profileId"); }

  /**
   * The domain profile of a stored or submitted profile; a profile that does not make sense (periods, fractions,
   * sizes) fails with ERR_VAL_002 naming the field, before anything is stored.
   */
  public static StrategyProfile toDomain(JsonObject p, BigDecimal lotSize) {
    String field = "strategy";
    try {
      JsonObject s = p.getJsonObject("strategy");
      EntryRule rule = switch (s.getString("type")) {
        case "MA_CROSSOVER" -> new EntryRule.MovingAverageCrossover(
            EntryRule.AverageKind.valueOf(s.getString("average", "EMA")), s.getInteger("fastPeriod", 5),
            s.getInteger("slowPeriod", 20));
        case "RSI" -> new EntryRule.RsiThreshold(s.getInteger("period", 14), s.getDouble("oversold", 30.0),
            s.getDouble("overbought", 70.0));
        case "BREAKOUT" -> new EntryRule.Breakout(s.getInteger("lookback", 20));
        default -> throw new IllegalArgumentException("unknown strategy type " + s.getString("type"));
      };
      field = "exits";
      JsonObject x = p.getJsonObject("exits", new JsonObject());
      ExitRules exits = new ExitRules(dec(x, "stopLoss"), dec(x, "takeProfit"), dec(x, "trailingStop"));
      field = "sizing";
      JsonObject z = p.getJsonObject("sizing");
      PositionSizing sizing = "FIXED_NOTIONAL".equals(z.getString("type"))
          ? new PositionSizing.FixedNotional(dec(z, "notional"))
          : new PositionSizing.FixedQuantity(dec(z, "quantity"));
      field = "cooldownSeconds";
      return new StrategyProfile(p.getString("id"), p.getString("accountId"), p.getString("symbol"), rule, exits,
          Duration.ofSeconds(p.getInteger("cooldownSeconds", 0)), sizing, lotSize, p.getBoolean("enabled", false));
    } catch (RuntimeException e) {
      throw new BourseException(ErrorCode.VAL_SCHEMA, "Invalid profile " + field + ": " + e.getMessage(),
          new JsonArray().add(BourseException.detail(field, String.valueOf(e.getMessage()))));
    }
  }

  /** Limits a profile adds on top of its account's (null fields: the account's limit applies; set ones only tighten). */
  public static RiskLimits limits(JsonObject p) {
    return TradingJson.limitsFrom(p.getJsonObject("limits", new JsonObject()));
  }

  private static BigDecimal dec(JsonObject o, String key) {
    String v = o.getString(key);
    return v == null ? null : new BigDecimal(v);
  }
}

package io.bourse.trading;

import io.bourse.common.Addresses;
import io.bourse.common.RequestContext;
import io.bourse.store.Document;
import io.bourse.store.StoreException;
import io.bourse.trading.domain.risk.TradingControl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The one way the trading control document changes (operators through REST, reconciliation flagging an account):
 * read-modify-write with the document's ETag, retried on a concurrent change; audited; published to every shard and to
 * {@code admin.control}.
 */
public final class ControlUpdates {
  private ControlUpdates() {}

  public static Future<TradingControl> load(TradingStore store) { return TradingQueries.loadControl(store); }

  public static JsonObject json(TradingControl control) { return TradingQueries.controlJson(control); }

  /**
   * Applies {@code change} to the current control state and stores it; {@code audit} (action details: state, who,
   * why) is written beside it and published with the new state.
   */
  public static Future<TradingControl> update(Vertx vertx, TradingStore store, UnaryOperator<TradingControl> change,
      JsonObject audit) {
    return write(store, change, audit.getString("userId"), 5).compose(next -> {
      JsonObject record = audit.copy().put(TradingStore.DOC_TYPE, "audit").put("action", "trading.control")
          .put("requestId", RequestContext.current()).put("at", Instant.now().toString());
      return store.documents().create(TradingStore.CONTAINER, Document.of(TradingStore.CONTROL, "audit:" + Instant.now()
          + ":" + UUID.randomUUID(), record)).map(d -> {
            JsonObject published = TradingQueries.controlJson(next).put("requestId", RequestContext.current());
            vertx.eventBus().publish(Addresses.TRADING_CONTROL_CHANGED, published);
            vertx.eventBus().publish(Addresses.ADMIN_CONTROL, published.copy().put("changedBy", audit.getString("userId"))
                .put("profileId", audit.getString("profileId")).put("accountId", audit.getString("accountId"))
                .put("reason", audit.getString("reason")));
            return next;
          });
    });
  }

  private static Future<TradingControl> write(TradingStore store, UnaryOperator<TradingControl> change, String userId,
      int attempts) {
    return store.read(TradingStore.CONTROL, TradingQueries.CONTROL_DOC).compose(doc -> {
      TradingControl current = doc == null ? TradingControl.ALL_ACTIVE : TradingQueries.controlFrom(doc.body());
      TradingControl next = change.apply(current);
      JsonObject json = TradingQueries.controlJson(next).put("updatedAt", Instant.now().toString()).put("updatedBy", userId);
      Document written = Document.of(TradingStore.CONTROL, TradingQueries.CONTROL_DOC, json);
      Future<Document> write = doc == null ? store.documents().create(TradingStore.CONTAINER, written)
          : store.documents().replace(TradingStore.CONTAINER, written, doc.etag());
      return write.map(next).recover(e -> {
        boolean raced = e instanceof StoreException se
            && (se.kind() == StoreException.Kind.PRECONDITION_FAILED || se.kind() == StoreException.Kind.CONFLICT);
        return raced && attempts > 1 ? write(store, change, userId, attempts - 1) : Future.failedFuture(e);
      });
    });
  }
}

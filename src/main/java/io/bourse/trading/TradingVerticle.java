package io.bourse.trading;

import io.bourse.common.IsoInstants;
import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.common.FaultPoints;
import io.bourse.market.Instrument;
import io.bourse.market.InstrumentCatalogue;
import io.bourse.market.Tick;
import io.bourse.store.BatchOperation;
import io.bourse.store.Document;
import io.bourse.trading.domain.ClientOrderIds;
import io.bourse.trading.domain.EventSource;
import io.bourse.trading.domain.InstrumentSpec;
import io.bourse.trading.domain.Order;
import io.bourse.trading.domain.OrderStatus;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.PlaceOrder;
import io.bourse.trading.domain.Position;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.bourse.trading.domain.TradingAccount;
import io.bourse.trading.domain.VenueReport;
import io.bourse.trading.domain.risk.RiskCheck;
import io.bourse.trading.domain.risk.RiskEngine;
import io.bourse.trading.domain.risk.RiskLimits;
import io.bourse.trading.domain.risk.TradingControl;
import io.bourse.trading.domain.risk.TradingState;
import io.bourse.trading.strategy.StrategyEvaluator;
import io.bourse.trading.strategy.StrategySignal;
import io.bourse.venue.Venue;
import io.bourse.venue.VenueExecution;
import io.bourse.venue.VenueOrder;
import io.bourse.venue.VenueOrderState;
import io.bourse.venue.VenueOrderStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trading shard: the single writer of every account with {@code shardOf(accountId) == shard}. All commands (REST
 * via {@code trading.internal.cmd.<shard>}, strategy signals, venue reports, control changes) run on this verticle's
 * event loop, so an account's state changes one command at a time without locks (exchange-core style). Each command
 * mutates the plain-Java aggregate, then its changes go to the store in one atomic batch, and only once that batch is
 * durable are clients answered, the venue called, and events published.
 */
public final class TradingVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(TradingVerticle.class);
  private static final int EXECUTION_PAGE = 500;
  private static final long UNKNOWN_RETRY_MS = 1_000;
  private static final int UNKNOWN_RETRIES = 5;

  private final int shard;
  private final int shards;
  private final TradingConfig config;
  private final TradingStore store;
  private final Function<io.vertx.core.Vertx, Future<Venue>> venueFactory;
  private final ProfileService profiles;
  private final Map<String, RiskLimits> profileLimits = new HashMap<>();
  private final RiskEngine risk = RiskEngine.standard();
  private final StrategyEvaluator strategies = new StrategyEvaluator();
  private final Map<String, LiveAccount> accounts = new HashMap<>();
  private final Map<String, Future<LiveAccount>> loading = new HashMap<>();
  private final Map<String, Future<LiveAccount>> creating = new HashMap<>();
  /** Placements between their first write and their answer, by order id, with the request hash they were made with. */
  private record Inflight(String requestHash, Future<JsonObject> answer) {}

  private final Map<String, Inflight> inflightPlacements = new HashMap<>();
  private final Map<String, ArrayDeque<VenueExecution>> catchingUp = new HashMap<>();
  private final Map<String, BigDecimal> lastPrice = new HashMap<>();
  private static final long STRATEGY_REFUSAL_PAUSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
  private final Map<String, Long> refusedUntil = new HashMap<>();
  private final Map<String, Instant> lastPriceAt = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private InstrumentCatalogue catalogue;
  private TradingControl control = TradingControl.ALL_ACTIVE;
  private Venue venue;
  private boolean started;

  public TradingVerticle(int shard, int shards, TradingConfig config, TradingStore store,
      ProfileService profiles, Function<io.vertx.core.Vertx, Future<Venue>> venueFactory) {
    this.profiles = profiles;
    this.shard = shard;
    this.shards = shards;
    this.config = config;
    this.store = store;
    this.venueFactory = venueFactory;
  }

  public static int shardOf(String accountId, int shards) { return io.bourse.common.Partitions.of(accountId, shards); }

  public static String accountIdFor(String tenantId) { return "PA-" + tenantId; }

  /** The tenant of a paper account id, or null if the id names none. */
  public static String tenantOf(String accountId) {
    return accountId != null && accountId.startsWith("PA-") && accountId.length() > 3 ? accountId.substring(3) : null;
  }

  @Override
  public Future<?> start() {
    return TradingQueries.loadCatalogue(store.documents()).compose(c -> {
      catalogue = c;
      return TradingQueries.loadControl(store);
    }).compose(c -> {
      control = c;
      return venueFactory.apply(vertx);
    }).compose(v -> {
      venue = v;
      venue.reports(this::onVenueReport);
      venue.onReconnect(ignored -> {
        accounts.values().forEach(this::catchUp);
        vertx.eventBus().publish(Addresses.VENUE_RECONNECTED, new JsonObject().put("shard", shard));
      });
      return store.queryAll(io.bourse.store.Query.in(TradingStore.REGISTRY).eq(TradingStore.DOC_TYPE, "registry"));
    }).compose(registry -> {
      List<Future<LiveAccount>> loads = new ArrayList<>();
      for (JsonObject entry : registry) {
        String accountId = entry.getString("accountId");
        if (shardOf(accountId, shards) == shard) loads.add(account(accountId));
      }
      return Future.all(loads);
    }).compose(v -> {
      List<Future<?>> registered = new ArrayList<>();
      for (LiveAccount live : accounts.values()) {
        registered.add(profiles.ofAccount(live.tenantId, live.accountId).map(list -> {
          list.forEach(this::registerProfile);
          return null;
        }));
      }
      return Future.all(registered);
    }).compose(v -> {
      var bus = vertx.eventBus();
      consumers.add(bus.<JsonObject>consumer(Addresses.tradingCommand(shard), this::onCommand));
      consumers.add(bus.<JsonObject>consumer(Addresses.TRADING_CONTROL_CHANGED, m -> onControl(m.body())));
      consumers.add(bus.<JsonObject>consumer(Addresses.TRADING_PROFILES_CHANGED, m -> onProfileChanged(m.body())));
      for (Instrument instrument : catalogue.all()) {
        consumers.add(bus.<Tick>localConsumer(Addresses.mdInternalTick(instrument.symbol()), m -> onTick(m.body())));
      }
      // Recover what a crash left open: catch up on venue executions, resolve orders whose fate is unknown.
      accounts.values().forEach(this::catchUp);
      accounts.values().forEach(this::resolveOpenUncertain);
      started = true;
      log.info("Trading shard {}/{} started with {} accounts", shard, shards, accounts.size());
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> closing = new ArrayList<>();
    consumers.forEach(c -> closing.add(c.unregister()));
    if (venue != null) closing.add(venue.close());
    return Future.join(closing);
  }

  // --- Commands ----------------------------------------------------------------------------------------------------

  private void onCommand(Message<JsonObject> message) {
    JsonObject cmd = message.body();
    String action = cmd.getString("action", "");
    Future<JsonObject> result;
    try {
      result = switch (action) {
        case "account" -> ownedAccount(cmd, true).map(live -> live.view(lastPrice::get, this::quoteCurrency));
        case "snapshot" -> ownedAccount(cmd, true).map(this::snapshot);
        case "positions" -> ownedAccount(cmd, true).map(this::positions);
        case "place" -> ownedAccount(cmd, true).compose(live -> place(live, cmd));
        case "limits" -> ownedAccount(cmd, true).map(this::limitsView);
        case "setLimits" -> ownedAccount(cmd, false).compose(live -> setLimits(live, cmd));
        case "reconcile" -> reconcile(cmd);
        case "cancel" -> ownedAccount(cmd, false).compose(live -> cancel(live, cmd.getString("orderId"),
            EventSource.REST, "canceled by client", cmd.getString("requestId")).map(o -> reply(200, o)));
        default -> Future.failedFuture(new BourseException(ErrorCode.VAL_PARAMETER, "unknown action " + action));
      };
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        ErrorCode code = ar.cause() instanceof BourseException be ? be.code() : ErrorCode.INTERNAL;
        if (code == ErrorCode.INTERNAL) log.error("Trading command {} failed", action, ar.cause());
        JsonObject error = new JsonObject().put("code", code.code()).put("message", ar.cause().getMessage());
        if (ar.cause() instanceof BourseException be && !be.details().isEmpty()) error.put("details", be.details());
        message.reply(new JsonObject().put("error", error));
      }
    });
  }

  private static JsonObject reply(int status, JsonObject body) {
    return new JsonObject().put("status", status).put("body", body);
  }

  /** The account, if it belongs to the caller's tenant; foreign and unknown accounts are the same 404. */
  private Future<LiveAccount> ownedAccount(JsonObject cmd, boolean createIfMissing) {
    String tenantId = cmd.getString("tenantId");
    String accountId = cmd.getString("accountId");
    if (!accountIdFor(tenantId).equals(accountId)) {
      return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + accountId));
    }
    return account(accountId).compose(live -> {
      if (live != null) return Future.succeededFuture(live);
      if (!createIfMissing) {
        return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + accountId));
      }
      // Concurrent first requests of a new tenant share one creation.
      return creating.computeIfAbsent(accountId, id -> createAccount(tenantId, id)
          .onComplete(ar -> creating.remove(id)));
    });
  }

  /**
   * Loads an account into memory once; concurrent callers share the load, and an instance already in memory is never
   * replaced (two instances of one account would be two writers). Completes with null if it does not exist.
   */
  private Future<LiveAccount> account(String accountId) {
    LiveAccount live = accounts.get(accountId);
    if (live != null) return Future.succeededFuture(live);
    return loading.computeIfAbsent(accountId, id -> store.load(id, config.reservation()).map(loaded -> {
      LiveAccount existing = accounts.get(id);
      if (existing != null || loaded == null) return existing;
      LiveAccount fresh = new LiveAccount(loaded.accountDoc().getString("tenantId"), loaded.account(), writerFor(id),
          loaded.accountDoc(), loaded.orderMeta());
      accounts.put(id, fresh);
      if (started) {
        // Reloaded after a failed write: what it owes the venue and what the venue sent meanwhile, as at start-up.
        catchUp(fresh);
        resolveOpenUncertain(fresh);
      }
      return fresh;
    }).onComplete(ar -> loading.remove(id)));
  }

  private AccountWriter writerFor(String accountId) {
    return new AccountWriter(ops -> store.batch(accountId, ops), io.bourse.store.DocumentStore.MAX_BATCH_OPERATIONS);
  }

  private Future<LiveAccount> createAccount(String tenantId, String accountId) {
    Instant now = Instant.now();
    JsonObject registry = new JsonObject().put(TradingStore.DOC_TYPE, "registry").put("accountId", accountId).put("tenantId", tenantId)
        .put("createdAt", now.toString());
    JsonObject accountDoc = new JsonObject().put("tenantId", tenantId).put("createdAt", now.toString());
    // Registry first: an account that exists without a registry entry would be missed at shard start-up. The account
    // joins the shard only once it is durable, so no command can queue a write ahead of its opening batch.
    return store.documents().upsert(TradingStore.CONTAINER, Document.of(TradingStore.REGISTRY, accountId, registry))
        .compose(v -> store.load(accountId, config.reservation()))
        .compose(loaded -> {
          LiveAccount existing = accounts.get(accountId);
          if (existing != null) return Future.succeededFuture(existing);
          if (loaded != null) return account(accountId);
          TradingAccount account = new TradingAccount(accountId, config.reservation());
          config.paperFunding().forEach((currency, amount) -> account.deposit(currency, amount, now));
          LiveAccount live = new LiveAccount(tenantId, account, writerFor(accountId), accountDoc, Map.of());
          LiveAccount.Changes changes = live.collect(Set.of(), List.of(), null, lastPrice::get);
          return live.writer.write(changes.operations()).map(w -> {
            accounts.put(accountId, live);
            log.info("Paper account {} created for tenant {} with {}", accountId, tenantId, config.paperFunding());
            return live;
          });
        });
  }

  private JsonObject snapshot(LiveAccount live) {
    JsonArray orders = new JsonArray();
    live.account.orders().forEach(o -> orders.add(TradingJson.order(o)));
    return new JsonObject().put("sequence", live.eventSequence)
        .put("account", live.view(lastPrice::get, this::quoteCurrency))
        .put("orders", orders).put("positions", positions(live).getJsonArray("items"));
  }

  private JsonObject positions(LiveAccount live) {
    JsonArray items = new JsonArray();
    live.account.positions().stream().filter(p -> p.quantity().signum() != 0 || p.realizedPnl().signum() != 0)
        .forEach(p -> items.add(TradingJson.position(p, lastPrice.get(p.symbol()))));
    return new JsonObject().put("items", items);
  }

  private String quoteCurrency(String symbol) {
    return catalogue.find(symbol).map(Instrument::quoteCurrency).orElse(null);
  }

  // --- Placing -----------------------------------------------------------------------------------------------------

  /** The configured defaults, replaced by the operator's limits for the account, tightened by the profile's. */
  private RiskLimits limitsOf(LiveAccount live, String profileId) {
    RiskLimits account = config.limits().overriddenBy(live.limits);
    return profileId == null ? account : account.tightenedBy(profileLimits.get(profileId));
  }

  private JsonObject limitsView(LiveAccount live) {
    return new JsonObject().put("accountId", live.accountId).put("limits", TradingJson.limits(live.limits))
        .put("defaults", TradingJson.limits(config.limits())).put("effective", TradingJson.limits(limitsOf(live, null)));
  }

  /** An operator sets the account's limits, through its single writer, audited in the same batch. */
  private Future<JsonObject> setLimits(LiveAccount live, JsonObject cmd) {
    JsonObject requested = cmd.getJsonObject("limits", new JsonObject());
    RiskLimits next = TradingJson.limitsFrom(requested);
    JsonArray problems = new JsonArray();
    for (String key : requested.fieldNames()) {
      Object value = requested.getValue(key);
      boolean positive = value == null || (value instanceof Number n ? n.longValue() > 0 : new BigDecimal((String) value).signum() > 0);
      if (!positive) problems.add(BourseException.detail("limits." + key, "must be greater than zero"));
    }
    if (!problems.isEmpty()) {
      return Future.failedFuture(new BourseException(ErrorCode.VAL_SCHEMA, "Limits must be greater than zero", problems));
    }
    Instant now = Instant.now();
    JsonObject audit = new JsonObject().put(TradingStore.DOC_TYPE, "audit").put("action", "account.limits")
        .put("previous", TradingJson.limits(live.limits)).put("limits", TradingJson.limits(next))
        .put("userId", cmd.getString("userId")).put("reason", cmd.getString("reason"))
        .put("requestId", cmd.getString("requestId")).put("at", now.toString());
    live.limits = next;
    return persist(live, Set.of(), List.of(BatchOperation.create(Document.of(live.accountId,
        "audit:" + now + ":" + java.util.UUID.randomUUID(), audit))), cmd.getString("requestId"))
        .map(v -> limitsView(live));
  }

  private Future<JsonObject> place(LiveAccount live, JsonObject cmd) {
    PlaceOrder command = TradingQueries.placeOrder(live.accountId, cmd, EventSource.REST);
    return placeCommand(live, command, cmd.getString("requestHash"), cmd.getString("requestId"));
  }

  /** The one command path for REST and strategies: idempotency, risk, reserve + persist, venue, persist. */
  Future<JsonObject> placeCommand(LiveAccount live, PlaceOrder command, String requestHash, String requestId) {
    String orderId = ClientOrderIds.derive(live.accountId, command.idempotencyKey());
    Future<JsonObject> repeat = repeatOf(live, orderId, requestHash);
    if (repeat != null) return repeat;
    // Not in memory: the order may be terminal and forgotten, so the store decides whether this key was used. The
    // order document is the idempotency record (its id is derived from the key; it keeps the request hash and the
    // first answer).
    return store.read(live.accountId, TradingStore.orderDocId(orderId)).compose(stored -> {
      Future<JsonObject> again = repeatOf(live, orderId, requestHash);
      if (again != null) return again;
      if (stored != null) return storedResponse(live, stored.body(), orderId, requestHash);
      return placeNew(live, command, orderId, requestHash, requestId);
    });
  }

  private Future<JsonObject> repeatOf(LiveAccount live, String orderId, String requestHash) {
    Inflight inflight = inflightPlacements.get(orderId);
    if (inflight != null) {
      return requestHash != null && !requestHash.equals(inflight.requestHash()) ? Future.failedFuture(conflict(orderId))
          : inflight.answer().map(TradingVerticle::asRepeat);
    }
    Order existing = live.account.order(orderId).orElse(null);
    if (existing == null) {
      // Finished and forgotten, perhaps in a batch still being written: a store read now could miss it.
      JsonObject done = live.finishedDoc(orderId);
      if (done == null) return null;
      if (requestHash != null && !requestHash.equals(done.getString("requestHash"))) return Future.failedFuture(conflict(orderId));
      JsonObject first = done.getJsonObject("response");
      return Future.succeededFuture(first != null ? asRepeat(first) : reply(200, publicOrder(done)));
    }
    JsonObject meta = live.orderMeta.getOrDefault(orderId, new JsonObject());
    if (requestHash != null && !requestHash.equals(meta.getString("requestHash"))) return Future.failedFuture(conflict(orderId));
    JsonObject stored = meta.getJsonObject("response");
    return Future.succeededFuture(stored != null ? asRepeat(stored) : reply(200, TradingJson.order(existing)));
  }

  private Future<JsonObject> storedResponse(LiveAccount live, JsonObject orderDoc, String orderId, String requestHash) {
    if (requestHash != null && !requestHash.equals(orderDoc.getString("requestHash"))) return Future.failedFuture(conflict(orderId));
    JsonObject response = orderDoc.getJsonObject("response");
    if (response != null) return Future.succeededFuture(asRepeat(response));
    // No answer on the order: it was placed before answers moved into the order document (its separate idempotency
    // record may hold it), or the process stopped before the venue answered (then 202 with the order as it is).
    return store.read(live.accountId, LEGACY_IDEMPOTENCY_PREFIX + orderId).map(legacy -> {
      JsonObject first = legacy == null ? null : legacy.body().getJsonObject("response");
      return first != null ? asRepeat(first) : reply(202, publicOrder(orderDoc));
    });
  }

  /** Where idempotency records lived before they became fields of the order document (read for old orders only). */
  private static final String LEGACY_IDEMPOTENCY_PREFIX = "idem:";

  private static JsonObject publicOrder(JsonObject orderDoc) { return TradingJson.order(TradingJson.orderFrom(orderDoc)); }

  /** A repeat gets the first answer; a first answer of 201 is reported as 200 so clients can tell. */
  private static JsonObject asRepeat(JsonObject first) {
    if (first.containsKey("error")) return first;
    return first.getInteger("status") == 201 ? reply(200, first.getJsonObject("body")) : first;
  }

  private static BourseException conflict(String orderId) {
    return new BourseException(ErrorCode.CONFLICT_IDEMPOTENCY,
        "Idempotency key was already used for order " + orderId + " with a different request");
  }

  private Future<JsonObject> placeNew(LiveAccount live, PlaceOrder command, String orderId, String requestHash,
      String requestId) {
    Instant now = Instant.now();
    InstrumentSpec spec = spec(command.symbol());
    BigDecimal last = lastPrice.get(command.symbol());
    TradingState state = control.effective(live.accountId, command.profileId());
    RiskLimits limits = limitsOf(live, command.profileId());
    RiskCheck check = RiskCheck.of(live.account, command, spec, state, this::sessionOpen, last,
        lastPriceAt.get(command.symbol()), now, lastPrice::get, limits);
    risk.enforce(check);
    Order order = live.account.place(command, spec, last, now);
    // The order document carries its idempotency record and its outbox entry, so the one atomic write that makes the
    // order durable also records the key and the pending venue submit.
    JsonObject meta = new JsonObject().put("requestHash", requestHash).put("idempotencyKey", command.idempotencyKey())
        .put("source", command.source().name()).put("requestId", requestId).put("outbox", outbox("submit", now));
    live.orderMeta.put(orderId, meta);
    Promise<JsonObject> answered = Promise.promise();
    inflightPlacements.put(orderId, new Inflight(requestHash, answered.future()));
    persist(live, Set.of(orderId), List.of(), requestId)
        .compose(v -> {
          FaultPoints.hit(FaultPoints.AFTER_PERSIST_BEFORE_VENUE_SEND);
          return venue.submit(venueOrder(order)).transform(ar -> afterSubmit(live, orderId, requestId,
              ar.succeeded() ? ar.result() : null, ar.cause()));
        })
        .onComplete(ar -> {
          inflightPlacements.remove(orderId);
          if (ar.succeeded()) answered.complete(ar.result()); else answered.fail(ar.cause());
          cancelIfHalted(live, orderId);
        });
    return answered.future();
  }

  private Future<JsonObject> afterSubmit(LiveAccount live, String orderId, String requestId,
      VenueOrderState state, Throwable failure) {
    if (failure == null) FaultPoints.hit(FaultPoints.AFTER_VENUE_SEND_BEFORE_ACK);
    Instant now = Instant.now();
    ErrorCode failed = failure == null ? null : failure instanceof BourseException be ? be.code() : ErrorCode.EXT_VENUE_UNAVAILABLE;
    JsonObject response;
    if (failed == null) {
      applyState(live, orderId, state, EventSource.VENUE, now);
      response = null;
    } else if (failed == ErrorCode.EXT_VENUE_TIMEOUT) {
      apply(live, orderId, new VenueReport.TimedOut("venue did not answer the submit in time"), EventSource.VENUE, now);
      vertx.setTimer(UNKNOWN_RETRY_MS, t -> resolveUnknown(live, orderId, 1));
      response = null;
    } else {
      apply(live, orderId, new VenueReport.Rejected("venue unavailable: " + failure.getMessage()), EventSource.VENUE, now);
      response = new JsonObject().put("error", new JsonObject().put("code", failed.code())
          .put("message", "The venue could not be reached; order " + orderId + " was not sent and is REJECTED"));
    }
    boolean stillUncertain = failed == ErrorCode.EXT_VENUE_TIMEOUT;
    JsonObject body = live.orderView(orderId);
    if (body == null) {
      // Finished and dropped from memory long ago (cannot happen within one placement, kept as a safe fallback): the
      // store holds the final order once the batch that finished it is durable; the answer is recorded on it.
      JsonObject failedResponse = response;
      return persist(live, Set.of(), List.of(), requestId)
          .compose(v -> store.read(live.accountId, TradingStore.orderDocId(orderId)))
          .compose(stored -> {
            JsonObject doc = stored.body().copy();
            JsonObject answer = failedResponse != null ? failedResponse : reply(statusOf(publicOrder(doc)), publicOrder(doc));
            doc.put("response", answer);
            if (!stillUncertain) doc.remove("outbox");
            return store.documents().upsert(TradingStore.CONTAINER, Document.of(live.accountId,
                TradingStore.orderDocId(orderId), doc)).map(answer);
          });
    }
    JsonObject answer = response != null ? response : reply(statusOf(body), body);
    // The first answer is kept on the order (its idempotency record), in the same batch as the venue's answer: a
    // repeat gets exactly this.
    List<BatchOperation> extra = List.of();
    JsonObject meta = live.orderMeta.get(orderId);
    if (live.account.order(orderId).isPresent() && meta != null) {
      meta.put("response", answer);
      if (!stillUncertain) meta.remove("outbox");
    } else {
      // The fill raced ahead of the venue's reply and finished the order: its last stored form gets the answer.
      BatchOperation rewritten = live.rewriteFinished(orderId, doc -> {
        doc.put("response", answer);
        if (!stillUncertain) doc.remove("outbox");
      });
      if (rewritten != null) extra = List.of(rewritten);
    }
    return persist(live, live.account.order(orderId).isPresent() ? Set.of(orderId) : Set.of(), extra, requestId)
        .map(answer);
  }

  private boolean halted(LiveAccount live, Order order) {
    return control.effective(live.accountId, order.profileId()) == TradingState.HALTED;
  }

  /**
   * An order the venue has working while its account or profile is HALTED — its submit was in flight when the halt
   * came, or it was UNKNOWN and turned out to exist — is cancelled as soon as that is known.
   */
  private void cancelIfHalted(LiveAccount live, String orderId) {
    Order order = live.account.order(orderId).orElse(null);
    if (order == null || !halted(live, order)) return;
    if (Set.of(OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED, OrderStatus.RECONCILE_REQUIRED).contains(order.status())
        && !inflightPlacements.containsKey(orderId)) {
      cancel(live, orderId, EventSource.REST, "trading HALTED by operator", null)
          .onFailure(e -> log.warn("Halt could not cancel {}: {}", orderId, e.getMessage()));
    }
  }

  private static int statusOf(JsonObject order) { return "UNKNOWN".equals(order.getString("status")) ? 202 : 201; }

  private static JsonObject outbox(String action, Instant at) {
    return new JsonObject().put("action", action).put("since", IsoInstants.format(at));
  }

  /** Marks the venue action an order waits for (its outbox entry), written with the order in the next batch. */
  private static void pending(LiveAccount live, String orderId, String action, Instant at) {
    JsonObject meta = live.orderMeta.get(orderId);
    if (meta != null) meta.put("outbox", outbox(action, at));
  }

  /**
   * The order's venue action is answered: its outbox entry goes with the next write of the order, or, if the order
   * already finished and left memory, with a rewrite of its last form (returned, to go into the same batch).
   */
  private static List<BatchOperation> settled(LiveAccount live, String orderId) {
    JsonObject meta = live.orderMeta.get(orderId);
    if (meta != null) {
      meta.remove("outbox");
      return List.of();
    }
    BatchOperation rewritten = live.rewriteFinished(orderId, doc -> doc.remove("outbox"));
    return rewritten == null ? List.of() : List.of(rewritten);
  }

  private VenueOrder venueOrder(Order o) {
    return new VenueOrder(o.accountId(), o.clientOrderId(), o.symbol(), o.side(), o.type(), o.quantity(), o.price(),
        o.stopPrice(), o.timeInForce());
  }

  private InstrumentSpec spec(String symbol) {
    return catalogue.find(symbol).map(i -> new InstrumentSpec(i.symbol(), i.quoteCurrency(), i.tickSize(), i.lotSize(),
        i.minNotional(), i.tradable())).orElse(null);
  }

  private boolean sessionOpen(String symbol, Instant at) {
    return catalogue.find(symbol).map(i -> i.session().isOpen(at)).orElse(false);
  }

  /** After a submit timed out: ask the venue before anything else; resubmit (same client id) only if it is absent. */
  private void resolveUnknown(LiveAccount live, String orderId, int attempt) {
    Order order = live.account.order(orderId).orElse(null);
    if (order == null || order.status() != OrderStatus.UNKNOWN) return;
    venue.lookup(live.accountId, orderId).compose(state -> {
      if (state != null) {
        applyState(live, orderId, state, EventSource.VENUE, Instant.now());
        catchUp(live);
        return persist(live, Set.of(orderId), settled(live, orderId), null);
      }
      if (halted(live, order)) {
        // Proven absent, and trading stopped since: the intent is dropped, not sent.
        apply(live, orderId, new VenueReport.Rejected("not resubmitted: trading is HALTED"), EventSource.VENUE, Instant.now());
        return persist(live, Set.of(orderId), settled(live, orderId), null);
      }
      return venue.submit(venueOrder(order)).compose(resubmitted -> {
        applyState(live, orderId, resubmitted, EventSource.VENUE, Instant.now());
        return persist(live, Set.of(orderId), settled(live, orderId), null);
      });
    }).onSuccess(v -> cancelIfHalted(live, orderId)).onFailure(e -> {
      if (attempt < UNKNOWN_RETRIES) {
        vertx.setTimer(UNKNOWN_RETRY_MS * (1L << attempt), t -> resolveUnknown(live, orderId, attempt + 1));
      } else {
        log.warn("Order {} stays UNKNOWN after {} attempts; reconciliation will resolve it: {}", orderId, attempt, e.toString());
      }
    });
  }

  /**
   * The outbox relay after a restart: every order whose venue action was written but not answered (its outbox entry)
   * gets it again. A submit is first looked up by client order id and resent only if the venue proves it absent; a
   * cancel is simply sent again (the venue answers a repeated cancel with the order's state).
   */
  private void resolveOpenUncertain(LiveAccount live) {
    for (Order order : List.copyOf(live.account.orders())) {
      JsonObject outbox = live.orderMeta.getOrDefault(order.id(), new JsonObject()).getJsonObject("outbox");
      String action = outbox != null ? outbox.getString("action")
          // Orders stored before the outbox entry moved into the order document: their status says the same.
          : order.status() == OrderStatus.PENDING_CANCEL ? "cancel"
          : order.status() == OrderStatus.UNKNOWN || order.status() == OrderStatus.PENDING_NEW ? "submit" : null;
      if ("submit".equals(action) && (order.status() == OrderStatus.UNKNOWN || order.status() == OrderStatus.PENDING_NEW)) {
        if (order.status() == OrderStatus.PENDING_NEW) {
          apply(live, order.id(), new VenueReport.TimedOut("restarted before the venue answered"), EventSource.RECONCILIATION, Instant.now());
          persist(live, Set.of(order.id()), List.of(), null);
        }
        resolveUnknown(live, order.id(), 1);
      } else if ("cancel".equals(action) && order.status() == OrderStatus.PENDING_CANCEL) {
        sendCancel(live, order.id(), null)
            .onFailure(e -> log.warn("Cancel of {} resent after restart failed: {}", order.id(), e.getMessage()));
      }
    }
  }

  // --- Cancel ------------------------------------------------------------------------------------------------------

  Future<JsonObject> cancel(LiveAccount live, String orderId, EventSource source, String reason, String requestId) {
    Order order = live.account.order(orderId).orElse(null);
    if (order == null) {
      return store.read(live.accountId, TradingStore.orderDocId(orderId)).compose(doc -> Future.failedFuture(doc == null
          ? new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No order " + orderId)
          : new BourseException(ErrorCode.ORD_INVALID_STATE, "Order " + orderId + " is "
              + doc.body().getString("status") + " and cannot be canceled")));
    }
    if (order.status() == OrderStatus.PENDING_CANCEL) return Future.succeededFuture(TradingJson.order(order));
    if (!OrderStatus.canTransition(order.status(), OrderStatus.PENDING_CANCEL)) {
      return Future.failedFuture(new BourseException(ErrorCode.ORD_INVALID_STATE,
          "Order " + orderId + " is " + order.status() + " and cannot be canceled"));
    }
    Instant now = Instant.now();
    live.account.requestCancel(orderId, source, reason, now);
    pending(live, orderId, "cancel", now);
    return persist(live, Set.of(orderId), List.of(), requestId).compose(v -> sendCancel(live, orderId, requestId));
  }

  /** Sends a cancel whose PENDING_CANCEL (and outbox entry) is durable, and applies the venue's answer. */
  private Future<JsonObject> sendCancel(LiveAccount live, String orderId, String requestId) {
    return venue.cancel(live.accountId, orderId).transform(ar -> {
          FaultPoints.hit(FaultPoints.CANCEL_RACING_FILL);
          Instant at = Instant.now();
          if (ar.succeeded()) {
            VenueOrderState state = ar.result();
            if (state != null && state.status().isOpen()) {
              apply(live, orderId, new VenueReport.CancelRejected("venue kept the order working"), EventSource.VENUE, at);
            } else if (state != null) {
              applyState(live, orderId, state, EventSource.VENUE, at);
            }
          } else {
            log.warn("Cancel of {} not confirmed by the venue: {}", orderId, ar.cause().toString());
          }
          catchUp(live);
          Order current = live.account.order(orderId).orElse(null);
          JsonObject body = current != null ? TradingJson.order(current) : null;
          // An unconfirmed cancel keeps its outbox entry: reconciliation sends it again.
          return persist(live, current == null ? Set.of() : Set.of(orderId),
              ar.succeeded() ? settled(live, orderId) : List.of(), requestId)
              .compose(x -> body != null ? Future.succeededFuture(body)
                  : store.read(live.accountId, TradingStore.orderDocId(orderId)).map(d -> publicOrder(d.body())));
        });
  }

  // --- Venue reports -------------------------------------------------------------------------------------------------

  /** Applies what the venue says an order is now (the reply to a submit, cancel or lookup). Fills come as executions. */
  private void applyState(LiveAccount live, String orderId, VenueOrderState state, EventSource source, Instant at) {
    if (state == null) return;
    if (state.status() == VenueOrderStatus.REJECTED) {
      apply(live, orderId, new VenueReport.Rejected(state.reason() == null ? "rejected by the venue" : state.reason()), source, at);
    } else {
      apply(live, orderId, new VenueReport.Acknowledged(), source, at);
      if (state.status() == VenueOrderStatus.CANCELED && state.filledQuantity().signum() == 0) {
        apply(live, orderId, new VenueReport.Canceled(state.reason() == null ? "canceled at the venue" : state.reason()), source, at);
      } else if (state.status() == VenueOrderStatus.EXPIRED && state.filledQuantity().signum() == 0) {
        apply(live, orderId, new VenueReport.Expired(state.reason() == null ? "expired at the venue" : state.reason()), source, at);
      }
    }
  }

  private void apply(LiveAccount live, String orderId, VenueReport report, EventSource source, Instant at) {
    if (live.account.order(orderId).isEmpty()) return;
    try {
      live.account.apply(orderId, report, source, at);
    } catch (BourseException e) {
      // An illegal transition from the venue is a fact to reconcile, never a reason to corrupt the account.
      log.warn("Venue report {} for order {} not applied: {}", report, orderId, e.getMessage());
    }
  }

  private void onVenueReport(VenueExecution execution) {
    if (shardOf(execution.accountId(), shards) != shard) return;
    account(execution.accountId()).onSuccess(live -> {
      if (live != null) applySequenced(live, execution);
    });
  }

  private void applySequenced(LiveAccount live, VenueExecution execution) {
    ArrayDeque<VenueExecution> buffer = catchingUp.get(live.accountId);
    if (buffer != null) {
      buffer.add(execution);
      return;
    }
    if (execution.sequence() <= live.venueSequence) return;
    if (execution.sequence() > live.venueSequence + 1) {
      catchingUp.put(live.accountId, new ArrayDeque<>(List.of(execution)));
      fetchExecutions(live);
      return;
    }
    applyExecution(live, execution);
  }

  /** Asks the venue for every execution after the last one applied, e.g. after a gap, a reconnect or a restart. */
  void catchUp(LiveAccount live) {
    if (catchingUp.containsKey(live.accountId)) return;
    catchingUp.put(live.accountId, new ArrayDeque<>());
    fetchExecutions(live);
  }

  private void fetchExecutions(LiveAccount live) {
    venue.executions(live.accountId, live.venueSequence, EXECUTION_PAGE).onComplete(ar -> {
      if (ar.failed()) {
        log.warn("Catch-up of {} failed, retrying: {}", live.accountId, ar.cause().toString());
        vertx.setTimer(UNKNOWN_RETRY_MS, t -> fetchExecutions(live));
        return;
      }
      for (VenueExecution execution : ar.result().items()) {
        if (execution.sequence() > live.venueSequence) applyExecution(live, execution);
      }
      if (ar.result().more()) {
        fetchExecutions(live);
        return;
      }
      ArrayDeque<VenueExecution> buffered = catchingUp.remove(live.accountId);
      if (buffered != null) buffered.forEach(e -> applySequenced(live, e));
    });
  }

  private void applyExecution(LiveAccount live, VenueExecution execution) {
    applyExecution(live, execution, EventSource.VENUE);
  }

  private void applyExecution(LiveAccount live, VenueExecution execution, EventSource source) {
    applyExecution(live, execution, source, null);
  }

  private void applyExecution(LiveAccount live, VenueExecution execution, EventSource source, String requestId) {
    // Reconciliation and the catch-up may both apply executions: the sequence only moves forward.
    if (execution.sequence() > live.venueSequence) live.venueSequence = execution.sequence();
    String orderId = execution.clientOrderId();
    Set<String> touched = Set.of();
    Order known = live.account.order(orderId).orElse(null);
    String profileId = known == null ? null : known.profileId();
    if (known != null) {
      if (execution.kind() != VenueExecution.Kind.FILLED || !live.account.isExecutionApplied(execution.executionId())) {
        if (execution.kind() == VenueExecution.Kind.FILLED) FaultPoints.hit(FaultPoints.AFTER_VENUE_FILL_BEFORE_APPLY);
        apply(live, orderId, execution.toReport(), source, execution.at() == null ? Instant.now() : execution.at());
      }
      touched = Set.of(orderId);
    } else {
      live.stray(execution.sequence());
      if (execution.kind() == VenueExecution.Kind.FILLED) {
        log.warn("Venue execution {} for order {} that is not open here; left to reconciliation",
            execution.executionId(), orderId);
      }
    }
    Set<String> orders = touched;
    persist(live, orders, List.of(), requestId).onSuccess(v -> {
      if (profileId != null && execution.kind() == VenueExecution.Kind.FILLED) {
        Position position = live.account.position(known.symbol());
        // The profile learns what it really holds, replacing the belief it formed when it signalled.
        strategies.syncPosition(profileId, position.quantity().max(BigDecimal.ZERO), position.averagePrice());
      }
    });
  }

  // --- Reconciliation ------------------------------------------------------------------------------------------------

  private final Map<String, Future<JsonObject>> reconciling = new HashMap<>();

  /**
   * The {@code reconcile} command: compares one account of this shard with the venue's truth and repairs it here, on
   * the account's single writer, so a repair can never race the account's other commands. Concurrent requests for
   * the same account share one run. Replies with the discrepancies found, each marked repaired or not.
   */
  private Future<JsonObject> reconcile(JsonObject cmd) {
    String accountId = cmd.getString("accountId");
    if (accountId == null || shardOf(accountId, shards) != shard) {
      return Future.failedFuture(new BourseException(ErrorCode.VAL_PARAMETER, "Account " + accountId + " is not on shard " + shard));
    }
    return account(accountId).compose(live -> {
      if (live == null) return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + accountId));
      Future<JsonObject> running = reconciling.get(accountId);
      if (running != null) return running;
      Future<JsonObject> run = new AccountReconciliation(live, cmd.getBoolean("rebuildHistory", false), cmd.getString("runId")).run()
          .onComplete(ar -> reconciling.remove(accountId));
      reconciling.put(accountId, run);
      return run;
    });
  }

  private final class AccountReconciliation {
    private static final int PAGE = 1_000;
    private static final int BULK_THRESHOLD = 100;
    private static final int READS_IN_FLIGHT = 32;
    private static final long STREAM_POLL_MS = 20;
    private final LiveAccount live;
    private final boolean rebuild;
    private final JsonArray found = new JsonArray();
    private final Set<String> reportedUnknown = new java.util.HashSet<>();
    private boolean needsAttention;
    private long lastSequence;
    private int executionsChecked;
    private int ordersChecked;

    /** The run's id: the request id of every change this reconciliation makes (order history, ledger). */
    private final String runId;

    AccountReconciliation(LiveAccount live, boolean rebuild, String runId) {
      this.live = live;
      this.rebuild = rebuild;
      this.runId = runId;
    }

    Future<JsonObject> run() {
      long from = rebuild ? 0 : live.reconSequence;
      lastSequence = from;
      return fetchExecutions(from, new ArrayList<>())
          .compose(executions -> streamCaughtUp(executions, System.nanoTime()).map(executions))
          .compose(this::checkExecutions)
          .compose(v -> venue.openOrders(live.accountId))
          .compose(this::checkOrders)
          .compose(v -> checkBalances(3))
          .compose(v -> {
            if (lastSequence > live.reconSequence) live.reconSequence = lastSequence;
            live.verifiedThrough(live.reconSequence);
            return persist(live, Set.of(), List.of(), runId);
          })
          .map(v -> new JsonObject().put("accountId", live.accountId).put("tenantId", live.tenantId)
              .put("fromSequence", from).put("toSequence", live.reconSequence)
              .put("executionsChecked", executionsChecked).put("ordersChecked", ordersChecked)
              .put("discrepancies", found).put("needsAttention", needsAttention));
    }

    private void found(Discrepancy type, String orderId, String detail, boolean repaired, String action) {
      if (!repaired) needsAttention = true;
      JsonObject d = new JsonObject().put("type", type.name()).put("detail", detail).put("repaired", repaired);
      if (orderId != null) d.put("orderId", orderId);
      if (action != null) d.put("action", action);
      found.add(d);
    }

    /**
     * Waits, up to the configured grace, until the shard has applied from its stream the executions the venue has
     * just listed. Under order entry the venue is always a few executions ahead of its stream; a run that applied
     * those itself reported each as a repaired MISSING_FILL or STATUS_MISMATCH, noise that hid the real ones.
     */
    private Future<Void> streamCaughtUp(List<VenueExecution> executions, long startedNanos) {
      long newest = executions.isEmpty() ? 0 : executions.get(executions.size() - 1).sequence();
      // A disconnected stream delivers nothing: waiting would only stretch a run by the grace for every account.
      if (live.venueSequence >= newest || !venue.connected()) return Future.succeededFuture();
      long waitedMs = (System.nanoTime() - startedNanos) / 1_000_000;
      if (waitedMs >= config.reconciliation().streamGraceMs()) return Future.succeededFuture();
      Promise<Void> later = Promise.promise();
      vertx.setTimer(STREAM_POLL_MS, t -> later.complete());
      return later.future().compose(v -> streamCaughtUp(executions, startedNanos));
    }

    private Future<List<VenueExecution>> fetchExecutions(long after, List<VenueExecution> out) {
      return fetchExecutions(after, Long.MAX_VALUE, out);
    }

    /** Every execution after {@code after}, page by page, stopping at the page that reaches {@code through}. */
    private Future<List<VenueExecution>> fetchExecutions(long after, long through, List<VenueExecution> out) {
      return venue.executions(live.accountId, after, PAGE).compose(page -> {
        out.addAll(page.items());
        long last = page.items().isEmpty() ? after : page.items().get(page.items().size() - 1).sequence();
        return page.more() && last > after && last < through ? fetchExecutions(last, through, out)
            : Future.succeededFuture(out);
      });
    }

    /**
     * Order documents of orders not in memory (terminal, or never placed here), by id; absent ids are unknown. An order
     * that finished recently is taken from the shard's own copy: its last batch may still be on its way to the store,
     * which would show an older form of it (not yet filled) and look like a missed fill.
     */
    private Future<Map<String, JsonObject>> storedOrders(Set<String> requested) {
      Map<String, JsonObject> out = new HashMap<>();
      Set<String> ids = new java.util.LinkedHashSet<>();
      for (String id : requested) {
        JsonObject recent = live.finishedDoc(id);
        if (recent != null) out.put(id, recent);
        else ids.add(id);
      }
      if (ids.isEmpty()) return Future.succeededFuture(out);
      if (rebuild && ids.size() > BULK_THRESHOLD) {
        // A rebuild looks at the account's whole history: one pass over its orders beats a read per order.
        return store.queryAll(io.bourse.store.Query.in(live.accountId).eq(TradingStore.DOC_TYPE, "order")).map(docs -> {
          for (JsonObject doc : docs) {
            String id = doc.getString("orderId", doc.getString("id"));
            if (ids.contains(id)) out.put(id, doc);
          }
          return out;
        });
      }
      return pointReads(List.copyOf(ids), 0, TradingStore::orderDocId, (id, doc) -> out.put(id, doc)).map(out);
    }

    /** Execution ids with a fill document in the store, among {@code executionIds}. */
    private Future<Set<String>> storedFills(Set<String> executionIds) {
      Set<String> out = new java.util.HashSet<>();
      if (executionIds.isEmpty()) return Future.succeededFuture(out);
      if (rebuild && executionIds.size() > BULK_THRESHOLD) {
        return store.queryAll(io.bourse.store.Query.in(live.accountId).eq(TradingStore.DOC_TYPE, "fill")).map(docs -> {
          for (JsonObject doc : docs) {
            String id = doc.getString("executionId");
            if (executionIds.contains(id)) out.add(id);
          }
          return out;
        });
      }
      return pointReads(List.copyOf(executionIds), 0, TradingStore::fillDocId, (id, doc) -> out.add(id)).map(out);
    }

    /**
     * Point reads of {@code ids} from {@code from} on, {@link #READS_IN_FLIGHT} at a time: a run's cost follows the
     * executions it covers, not the account's history (a query over every order of the account did), and the store's
     * readers stay free for the account's other commands in between.
     */
    private Future<Void> pointReads(List<String> ids, int from, java.util.function.Function<String, String> docId,
        java.util.function.BiConsumer<String, JsonObject> found) {
      if (from >= ids.size()) return Future.succeededFuture();
      int to = Math.min(ids.size(), from + READS_IN_FLIGHT);
      List<Future<?>> reads = new ArrayList<>(to - from);
      for (String id : ids.subList(from, to)) {
        reads.add(store.read(live.accountId, docId.apply(id)).onSuccess(d -> {
          if (d != null) found.accept(id, d.body());
        }));
      }
      return Future.all(reads).compose(v -> pointReads(ids, to, docId, found));
    }

    /**
     * Every execution since the cursor: one newer than the last the shard applied is applied now (a fill that is
     * then new is a MISSING_FILL); an older fill of an order in memory must be applied already; one of an order no
     * longer in memory must have its fill document, and its order must be one Bourse placed (read from the store
     * unless this process applied it to its open order: {@link LiveAccount#needsStoreCheck}).
     */
    private Future<Void> checkExecutions(List<VenueExecution> executions) {
      executionsChecked = executions.size();
      Set<String> elsewhere = new java.util.LinkedHashSet<>();
      Map<String, List<VenueExecution>> fillsElsewhere = new HashMap<>();
      long skippedFrom = Long.MAX_VALUE;
      for (VenueExecution e : executions) {
        if (e.sequence() > live.venueSequence && catchingUp.containsKey(live.accountId)) {
          // The shard's own catch-up is applying these right now; the next run verifies them.
          skippedFrom = Math.min(skippedFrom, e.sequence());
          continue;
        }
        lastSequence = Math.max(lastSequence, e.sequence());
        String orderId = e.clientOrderId();
        Order before = live.account.order(orderId).orElse(null);
        boolean isFill = e.kind() == VenueExecution.Kind.FILLED;
        if (e.sequence() > live.venueSequence) {
          boolean missing = before != null && isFill && !live.account.isExecutionApplied(e.executionId());
          applyExecution(live, e, EventSource.RECONCILIATION, runId);
          if (before == null) {
            elsewhere.add(orderId);
            if (isFill) fillsElsewhere.computeIfAbsent(orderId, id -> new ArrayList<>()).add(e);
          } else if (missing) {
            boolean applied = live.account.order(orderId).map(o -> o.filledQuantity().compareTo(before.filledQuantity()) > 0)
                .orElse(true);
            found(Discrepancy.MISSING_FILL, orderId, "execution " + e.executionId() + " of " + e.quantity() + " @ "
                + e.price() + " was not applied", applied, applied ? "applied" : null);
          } else if (live.account.order(orderId).map(o -> o.status() != before.status()).orElse(true)) {
            found(Discrepancy.STATUS_MISMATCH, orderId, before.status() + " here, venue reported " + e.kind(), true,
                "applied venue report");
          }
        } else if (before != null) {
          if (isFill && !live.account.isExecutionApplied(e.executionId())) {
            applyExecution(live, e, EventSource.RECONCILIATION, runId);
            boolean applied = live.account.order(orderId).map(o -> o.filledQuantity().compareTo(before.filledQuantity()) > 0)
                .orElse(true);
            found(Discrepancy.MISSING_FILL, orderId, "execution " + e.executionId() + " was skipped", applied,
                applied ? "applied" : null);
          }
        } else if (rebuild || live.needsStoreCheck(e.sequence())) {
          elsewhere.add(orderId);
          if (isFill) fillsElsewhere.computeIfAbsent(orderId, id -> new ArrayList<>()).add(e);
        }
        // Else this process applied it, in sequence, to its then open order, in one batch with its fill document:
        // reading the order back would cost a store read per order and prove nothing more.
      }
      if (skippedFrom != Long.MAX_VALUE) lastSequence = Math.min(lastSequence, skippedFrom - 1);
      return storedOrders(elsewhere).compose(orders -> {
        // An order's fill documents are read only if the venue's fills of it do not add up to its filled quantity
        // here: fills are applied once by execution id, so equal sums mean every one of them was applied.
        Set<String> suspect = new java.util.HashSet<>();
        fillsElsewhere.forEach((orderId, fills) -> {
          JsonObject doc = orders.get(orderId);
          if (doc == null || live.account.order(orderId).isPresent()) return;
          BigDecimal venueFilled = fills.stream().map(VenueExecution::quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
          BigDecimal here = TradingJson.dec(doc, "filledQuantity");
          if (here == null || here.compareTo(venueFilled) != 0) fills.forEach(f -> suspect.add(f.executionId()));
        });
        return storedFills(suspect).map(applied -> {
          for (String orderId : elsewhere) {
            if (live.account.order(orderId).isPresent()) continue;
            if (!orders.containsKey(orderId)) {
              if (reportedUnknown.add(orderId)) {
                found(Discrepancy.UNKNOWN_VENUE_ORDER, orderId, "the venue has executions of an order Bourse never placed",
                    false, null);
              }
              continue;
            }
            for (VenueExecution f : fillsElsewhere.getOrDefault(orderId, List.of())) {
              if (suspect.contains(f.executionId()) && !applied.contains(f.executionId())) {
                found(Discrepancy.MISSING_FILL, orderId, "execution " + f.executionId() + " of an order that is "
                    + orders.get(orderId).getString("status") + " here was never applied", false, null);
              }
            }
          }
          return null;
        });
      });
    }

    private Future<Void> checkOrders(List<VenueOrderState> venueOpen) {
      Map<String, VenueOrderState> open = new HashMap<>();
      venueOpen.forEach(o -> open.put(o.clientOrderId(), o));
      Set<String> notHere = new java.util.LinkedHashSet<>();
      for (String id : open.keySet()) if (live.account.order(id).isEmpty()) notHere.add(id);
      return storedOrders(notHere).compose(stored -> {
        for (String id : notHere) {
          if (!stored.containsKey(id)) {
            if (reportedUnknown.add(id)) {
              found(Discrepancy.UNKNOWN_VENUE_ORDER, id, "working at the venue, never placed by Bourse", false, null);
            }
          } else {
            found(Discrepancy.STATUS_MISMATCH, id, stored.get(id).getString("status") + " here, "
                + open.get(id).status() + " at the venue", false, null);
          }
        }
        Future<Void> chain = Future.succeededFuture();
        for (Order order : List.copyOf(live.account.orders())) {
          if (inflightPlacements.containsKey(order.id())) continue;
          ordersChecked++;
          VenueOrderState atVenue = open.get(order.id());
          boolean settled = atVenue != null && (order.status() == OrderStatus.NEW || order.status() == OrderStatus.PARTIALLY_FILLED)
              && atVenue.filledQuantity().compareTo(order.filledQuantity()) == 0;
          if (settled) continue;
          chain = chain.compose(v -> atVenue != null ? Future.succeededFuture(atVenue) : venue.lookup(live.accountId, order.id()))
              .compose(state -> resolve(order.id(), state));
        }
        return chain;
      });
    }

    /** Brings one local open order to the venue's truth, or flags it. */
    private Future<Void> resolve(String orderId, VenueOrderState state) {
      Order order = live.account.order(orderId).orElse(null);
      if (order == null || inflightPlacements.containsKey(orderId)) return Future.succeededFuture();
      OrderStatus before = order.status();
      Instant now = Instant.now();
      if (state == null) {
        if (before == OrderStatus.PENDING_NEW || before == OrderStatus.UNKNOWN) {
          // Proven absent: the one case where the intent is (re)submitted, with the same client order id.
          if (before == OrderStatus.PENDING_NEW) {
            apply(live, orderId, new VenueReport.TimedOut("not at the venue after a restart"), EventSource.RECONCILIATION, now);
          }
          if (halted(live, order)) {
            // Trading stopped since the order was placed: a proven-absent intent is dropped, never sent now.
            apply(live, orderId, new VenueReport.Rejected("not submitted: trading is HALTED"), EventSource.RECONCILIATION, now);
            found(Discrepancy.LOCAL_ORDER_UNKNOWN_AT_VENUE, orderId, before + " here, absent at the venue", true,
                "rejected (trading HALTED, not submitted)");
            return persist(live, Set.of(orderId), settled(live, orderId), runId);
          }
          return venue.submit(venueOrder(order)).transform(ar -> {
            if (ar.succeeded()) {
              applyState(live, orderId, ar.result(), EventSource.RECONCILIATION, Instant.now());
              found(Discrepancy.LOCAL_ORDER_UNKNOWN_AT_VENUE, orderId, before + " here, absent at the venue", true,
                  "submitted once (proven absent)");
            } else {
              flag(orderId, "absent at the venue and the submit failed: " + ar.cause().getMessage());
              found(Discrepancy.LOCAL_ORDER_UNKNOWN_AT_VENUE, orderId, before + " here, absent at the venue; submit failed: "
                  + ar.cause().getMessage(), false, "flagged RECONCILE_REQUIRED");
            }
            return persist(live, Set.of(orderId), settled(live, orderId), runId);
          });
        }
        flag(orderId, "the venue has never seen this " + before + " order");
        found(Discrepancy.LOCAL_ORDER_UNKNOWN_AT_VENUE, orderId, before + " here, unknown at the venue", false,
            "flagged RECONCILE_REQUIRED");
        return persist(live, Set.of(orderId), List.of(), runId);
      }
      if (state.filledQuantity().compareTo(order.filledQuantity()) != 0) {
        flag(orderId, "filled " + order.filledQuantity() + " here, " + state.filledQuantity() + " at the venue");
        found(Discrepancy.STATUS_MISMATCH, orderId, before + " filled " + order.filledQuantity() + " here, "
            + state.status() + " filled " + state.filledQuantity() + " at the venue", false, "flagged RECONCILE_REQUIRED");
        return persist(live, Set.of(orderId), List.of(), runId);
      }
      if (state.status().isOpen() && before == OrderStatus.PENDING_CANCEL) {
        // The cancel's answer was lost (or never sent): ask again; the venue's answer settles it.
        return venue.cancel(live.accountId, orderId).transform(ar -> {
          if (ar.succeeded() && ar.result() != null && !ar.result().status().isOpen()) {
            settle(orderId, ar.result());
          } else {
            apply(live, orderId, new VenueReport.CancelRejected("venue kept the order working"), EventSource.RECONCILIATION,
                Instant.now());
          }
          record(orderId, before, "cancel re-sent");
          return persist(live, Set.of(orderId), settled(live, orderId), runId);
        });
      }
      settle(orderId, state);
      record(orderId, before, "adopted the venue's state");
      return persist(live, Set.of(orderId), settled(live, orderId), runId);
    }

    private void settle(String orderId, VenueOrderState state) {
      Instant at = Instant.now();
      switch (state.status()) {
        case NEW, PARTIALLY_FILLED -> apply(live, orderId, new VenueReport.Acknowledged(), EventSource.RECONCILIATION, at);
        case REJECTED -> apply(live, orderId, new VenueReport.Rejected(reasonOr(state, "rejected by the venue")),
            EventSource.RECONCILIATION, at);
        case CANCELED -> apply(live, orderId, new VenueReport.Canceled(reasonOr(state, "canceled at the venue")),
            EventSource.RECONCILIATION, at);
        case EXPIRED -> apply(live, orderId, new VenueReport.Expired(reasonOr(state, "expired at the venue")),
            EventSource.RECONCILIATION, at);
        case FILLED -> { /* every fill is applied already (filled quantities agree), so the order is FILLED */ }
      }
    }

    private static String reasonOr(VenueOrderState state, String fallback) {
      return state.reason() == null ? fallback : state.reason();
    }

    private void record(String orderId, OrderStatus before, String action) {
      OrderStatus after = live.account.order(orderId).map(Order::status).orElse(null);
      if (after == before) return;
      boolean repaired = after == null || (after != OrderStatus.UNKNOWN && after != OrderStatus.PENDING_NEW);
      found(Discrepancy.STATUS_MISMATCH, orderId, before + " here, the venue says otherwise; now "
          + (after == null ? "terminal" : after.name()), repaired, action);
    }

    private void flag(String orderId, String reason) {
      try {
        live.account.flagReconcileRequired(orderId, reason, Instant.now());
      } catch (BourseException e) {
        log.warn("Order {} could not be flagged: {}", orderId, e.getMessage());
      }
    }

    /**
     * Positions and cash against the venue's, both as of the same execution: the venue's snapshot says which one it
     * includes. While the account trades, the venue is usually ahead of what its stream has delivered here: the
     * executions up to the snapshot are applied first (those the stream brings meanwhile are skipped by sequence).
     * When this shard is ahead instead, the snapshot is asked for again; if it stays behind while the venue still has
     * the executions this shard applied, nothing is compared this run rather than reporting drift that is only
     * executions in flight (that put busy accounts in REDUCING).
     */
    private Future<Void> checkBalances(int attempts) {
      return venue.account(live.accountId).compose(account -> {
        long cut = account.sequence();
        if (cut == io.bourse.venue.VenueAccount.UNKNOWN_SEQUENCE) return checkBalancesWithoutCut(account, attempts);
        if (live.venueSequence > cut) {
          if (attempts > 1) return checkBalances(attempts - 1);
          // Still behind: either executions made since the snapshot keep overtaking it, or the venue no longer has
          // executions it once sent (restored from an old backup), and then the figures differ for real.
          long applied = live.venueSequence;
          return venue.executions(live.accountId, applied - 1, 1).map(page -> {
            if (page.items().isEmpty()) comparePositions(account);
            else log.debug("Balances of {} not compared: the venue's snapshots stayed behind this shard", live.accountId);
            return null;
          });
        }
        Future<List<VenueExecution>> upToCut = live.venueSequence == cut ? Future.succeededFuture(List.of())
            : fetchExecutions(live.venueSequence, cut, new ArrayList<>());
        return upToCut.map(executions -> {
          for (VenueExecution e : executions) {
            if (e.sequence() > live.venueSequence && e.sequence() <= cut) applyExecution(live, e, EventSource.VENUE, runId);
          }
          if (live.venueSequence == cut) comparePositions(account);
          else log.debug("Balances of {} not compared: executions up to {} not all available", live.accountId, cut);
          return null;
        });
      });
    }

    /** A venue that does not say which execution its snapshot includes: compare once no newer execution is seen. */
    private Future<Void> checkBalancesWithoutCut(io.bourse.venue.VenueAccount account, int attempts) {
      return venue.executions(live.accountId, live.venueSequence, PAGE).compose(newer -> {
        if (!newer.items().isEmpty() && attempts > 1) {
          for (VenueExecution e : newer.items()) {
            if (e.sequence() > live.venueSequence) applyExecution(live, e, EventSource.VENUE, runId);
          }
          return checkBalances(attempts - 1);
        }
        comparePositions(account);
        return Future.succeededFuture();
      });
    }

    private void comparePositions(io.bourse.venue.VenueAccount account) {
      Set<String> symbols = new java.util.TreeSet<>(account.positions().keySet());
      live.account.positions().forEach(p -> symbols.add(p.symbol()));
      for (String symbol : symbols) {
        BigDecimal here = live.account.position(symbol).quantity();
        BigDecimal there = account.positions().getOrDefault(symbol, BigDecimal.ZERO);
        if (here.compareTo(there) != 0) {
          found(Discrepancy.POSITION_DRIFT, null, symbol + ": " + here.toPlainString() + " here, " + there.toPlainString()
              + " at the venue", false, null);
        }
      }
      Set<String> currencies = new java.util.TreeSet<>(account.cash().keySet());
      var ledger = live.account.ledger();
      for (String currency : ledger.currencies()) {
        if (ledger.balance(currency, io.bourse.trading.domain.Book.VENUE).signum() != 0
            || ledger.balance(currency, io.bourse.trading.domain.Book.FEES).signum() != 0) {
          currencies.add(currency);
        }
      }
      for (String currency : currencies) {
        BigDecimal here = ledger.balance(currency, io.bourse.trading.domain.Book.VENUE)
            .add(ledger.balance(currency, io.bourse.trading.domain.Book.FEES)).negate();
        BigDecimal there = account.cash().getOrDefault(currency, BigDecimal.ZERO);
        if (here.compareTo(there) != 0) {
          found(Discrepancy.BALANCE_DRIFT, null, currency + " moved by trading: " + here.toPlainString() + " here, "
              + there.toPlainString() + " at the venue", false, null);
        }
      }
    }
  }

  // --- Persistence and publication -----------------------------------------------------------------------------------

  /**
   * Hands the command's changes to the account's writer and publishes its events once they are durable. If the batch
   * fails, the in-memory account is dropped and reloaded from the store, the only truth.
   */
  private Future<Void> persist(LiveAccount live, Set<String> touched, List<BatchOperation> extra, String requestId) {
    LiveAccount.Changes changes = live.collect(touched, extra, requestId, lastPrice::get);
    return live.writer.write(changes.operations()).onSuccess(v -> {
      live.durable(changes.batch());
      var bus = vertx.eventBus();
      for (LiveAccount.Publication p : changes.publications()) bus.publish(p.address(), p.body());
    }).onFailure(e -> {
      log.error("Persisting account {} failed; reloading it from the store", live.accountId, e);
      if (accounts.get(live.accountId) == live) accounts.remove(live.accountId);
    }).recover(e -> Future.failedFuture(e instanceof BourseException ? e
        : new BourseException(ErrorCode.DEP_UNAVAILABLE, "Trading state could not be persisted", null, e)));
  }

  // --- Market data, strategies, control ------------------------------------------------------------------------------

  private void onTick(Tick tick) {
    lastPrice.put(tick.symbol(), tick.price());
    lastPriceAt.put(tick.symbol(), tick.exchangeTime());
    if (shard == 0 && venue != null) venue.markPrice(tick.symbol(), tick.price(), tick.exchangeTime());
    if (strategies.size() == 0) return;
    List<StrategySignal> signals = strategies.onTick(new io.bourse.trading.strategy.Tick(tick.symbol(), tick.price(),
        tick.exchangeTime()));
    long now = System.nanoTime();
    for (StrategySignal signal : signals) {
      LiveAccount live = accounts.get(signal.accountId());
      if (live == null) continue;
      Long quietUntil = refusedUntil.get(signal.profileId());
      if (quietUntil != null && now - quietUntil < 0) {
        syncToPosition(live, signal);
        continue;
      }
      String key = signal.idempotencyKey();
      try {
        placeCommand(live, signal.toPlaceOrder(), key, null).onFailure(e -> strategyRefused(live, signal, e));
      } catch (BourseException e) {
        strategyRefused(live, signal, e);
      }
    }
  }

  /**
   * A level-triggered rule (RSI below its threshold) signals again on every tick while its order is refused (halted,
   * out of capital): without a pause that is a risk check, a store read and an alert per tick. The profile is held back
   * for {@link #STRATEGY_REFUSAL_PAUSE_NANOS} after a refusal, and the alert goes out once per pause.
   */
  private void strategyRefused(LiveAccount live, StrategySignal signal, Throwable e) {
    syncToPosition(live, signal);
    refusedUntil.put(signal.profileId(), System.nanoTime() + STRATEGY_REFUSAL_PAUSE_NANOS);
    JsonObject alert = new JsonObject().put("profileId", signal.profileId()).put("kind", "strategy_order_refused")
        .put("message", e.getMessage());
    live.alert(alert.copy());
    // Operators watch every tenant's risk alerts on the admin bridge.
    vertx.eventBus().publish(Addresses.ADMIN_ALERTS, alert.put("tenantId", live.tenantId).put("accountId", live.accountId)
        .put("at", Instant.now().toString()));
    persist(live, Set.of(), List.of(), null)
        .onFailure(x -> log.warn("Alert for profile {} not published: {}", signal.profileId(), x.getMessage()));
  }

  private void syncToPosition(LiveAccount live, StrategySignal signal) {
    Position position = live.account.position(signal.symbol());
    strategies.syncPosition(signal.profileId(), position.quantity().max(BigDecimal.ZERO), position.averagePrice());
  }

  private void onProfileChanged(JsonObject profile) {
    String accountId = profile.getString("accountId");
    if (accountId == null || shardOf(accountId, shards) != shard) return;
    account(accountId).onSuccess(live -> {
      if (live != null) registerProfile(profile);
    });
  }

  /** (Re)registers an enabled profile with the evaluator; a disabled or deleted one is removed. */
  private void registerProfile(JsonObject profile) {
    if (!config.runStrategies()) return;
    String id = profile.getString("id");
    Instrument instrument = catalogue.find(profile.getString("symbol")).orElse(null);
    if (instrument == null || !profile.getBoolean("enabled", false) || profile.getBoolean("deleted", false)) {
      strategies.remove(id);
      profileLimits.remove(id);
      return;
    }
    try {
      strategies.register(ProfileService.toDomain(profile, instrument.lotSize()));
      profileLimits.put(id, ProfileService.limits(profile));
      LiveAccount live = accounts.get(profile.getString("accountId"));
      if (live != null) {
        Position position = live.account.position(instrument.symbol());
        strategies.syncPosition(id, position.quantity().max(BigDecimal.ZERO), position.averagePrice());
      }
    } catch (BourseException e) {
      log.warn("Profile {} not registered: {}", id, e.getMessage());
    }
  }

  StrategyEvaluator strategies() { return strategies; }

  private void onControl(JsonObject json) {
    TradingControl previous = control;
    control = TradingQueries.controlFrom(json);
    boolean globalHalt = control.global() == TradingState.HALTED && previous.global() != TradingState.HALTED;
    for (LiveAccount live : List.copyOf(accounts.values())) {
      for (Order order : List.copyOf(live.account.orders())) {
        // A profile's or an account's own switch to HALTED cancels its working orders too.
        boolean ownHalt = control.effective(live.accountId, order.profileId()) == TradingState.HALTED
            && previous.effective(live.accountId, order.profileId()) != TradingState.HALTED;
        // A submit still in flight, or an UNKNOWN order, is not known to be at the venue yet: cancelIfHalted takes it
        // when its answer or lookup comes.
        if ((globalHalt || ownHalt) && OrderStatus.canTransition(order.status(), OrderStatus.PENDING_CANCEL)
            && order.status() != OrderStatus.PENDING_CANCEL && order.status() != OrderStatus.UNKNOWN
            && !inflightPlacements.containsKey(order.id())) {
          cancel(live, order.id(), EventSource.REST, "trading HALTED by operator", json.getString("requestId"))
              .onFailure(e -> log.warn("Halt could not cancel {}: {}", order.id(), e.getMessage()));
        }
      }
    }
  }

  // Visible for tests of the shard's state.
  Map<String, LiveAccount> accounts() { return accounts; }
}

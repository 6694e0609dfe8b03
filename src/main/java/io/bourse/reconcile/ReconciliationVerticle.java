package io.bourse.reconcile;

import io.bourse.common.Addresses;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.store.Document;
import io.bourse.store.Query;
import io.bourse.trading.ControlUpdates;
import io.bourse.trading.Discrepancy;
import io.bourse.trading.TradingStore;
import io.bourse.trading.TradingVerticle;
import io.bourse.trading.domain.risk.TradingState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation runs (one per cluster: the single instance of this verticle). A run walks the accounts one at a
 * time and sends each a {@code reconcile} command on its owning shard's address: the shard compares the account with
 * the venue and repairs it on its single writer, so order entry never pauses (other accounts are untouched, this one
 * waits only for its own shard's turn). The run records what each account reported (container {@code trading},
 * partition {@code _reconciliation}), moves accounts that need an operator to REDUCING, and publishes its progress on
 * {@code admin.reconciliation}.
 *
 * <p>Runs start at start-up, every {@code intervalMs}, after a shard's venue stream reconnects, and on request
 * ({@link Addresses#RECONCILE_RUN}). One run at a time: a request while one runs gets the running run's id.
 */
public final class ReconciliationVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ReconciliationVerticle.class);
  public static final String PARTITION = "_reconciliation";
  /**
   * Discrepancies stored with a run, in all and per account; beyond these only counts are kept (by type, per account)
   * and the run is flagged {@code truncated}. Bounded so a run record stays far below the store's document limit
   * (1 MB by default) whatever an account's drift: an unbounded record would fail to save and stay RUNNING.
   */
  static final int MAX_STORED = 1_000;
  static final int MAX_STORED_PER_ACCOUNT = 100;

  private final ReconciliationConfig config;
  private final TradingStore store;
  private final int shards;
  private final MeterRegistry meters;
  private final Timer duration;
  private JsonObject running;
  private Future<JsonObject> runningFuture;
  /** The trigger that asked for another run while one was running, or null. */
  private String again;

  public ReconciliationVerticle(ReconciliationConfig config, TradingStore store, int shards, MeterRegistry meters) {
    this.config = config;
    this.store = store;
    this.shards = shards;
    this.meters = meters;
    this.duration = Timer.builder("bourse.reconciliation.duration").description("Time to reconcile every account of a run")
        .register(meters);
  }

  public static String runDocId(String runId) { return "run:" + runId; }

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>consumer(Addresses.RECONCILE_RUN, this::onRequest);
    if (config.afterReconnect()) {
      vertx.eventBus().<JsonObject>consumer(Addresses.VENUE_RECONNECTED, m -> trigger("venue-reconnect", null, false));
    }
    if (config.onStart()) vertx.setTimer(Math.max(1, config.startDelayMs()), t -> trigger("start-up", null, false));
    if (config.intervalMs() > 0) vertx.setPeriodic(config.intervalMs(), t -> trigger("scheduled", null, false));
    // A run the previous process was killed in the middle of stays RUNNING in the store: mark it INTERRUPTED.
    return store.queryAll(Query.in(PARTITION).eq(TradingStore.DOC_TYPE, "run").eq("status", "RUNNING")
        // Ordered by the filtered field, so the embedded store walks the status index rather than every run ever kept.
        .orderBy("status", false)).compose(stale -> {
      List<Future<Void>> marked = new ArrayList<>();
      for (JsonObject doc : stale) {
        JsonObject run = doc.copy().put("id", doc.getString("runId")).put("status", "INTERRUPTED");
        run.remove("runId");
        run.remove(TradingStore.DOC_TYPE);
        marked.add(save(run));
      }
      return Future.all(marked);
    });
  }

  private void onRequest(Message<JsonObject> message) {
    JsonObject body = message.body();
    boolean await = body.getBoolean("await", false);
    JsonObject run = trigger(body.getString("trigger", "operator"), body.getString("accountId"),
        body.getBoolean("rebuildHistory", false));
    if (!await) {
      message.reply(run);
      return;
    }
    runningFuture.onComplete(ar -> message.reply(ar.succeeded() ? ar.result()
        : run.copy().put("status", "FAILED").put("error", String.valueOf(ar.cause().getMessage()))));
  }

  /** Starts a run, or returns the one running (a reconnect while running asks for one more run afterwards). */
  private JsonObject trigger(String trigger, String accountId, boolean rebuildHistory) {
    if (running != null) {
      // A reconnect or schedule while a run is under way asks for one more run afterwards, under its own name.
      if (!"operator".equals(trigger) && !"cli".equals(trigger) && (again == null || "scheduled".equals(again))) {
        again = trigger;
      }
      return running.copy().put("alreadyRunning", true);
    }
    Instant now = Instant.now();
    String runId = String.format("%013d-%s", now.toEpochMilli(), UUID.randomUUID().toString().substring(0, 8));
    JsonObject run = new JsonObject().put("id", runId).put("status", "RUNNING").put("trigger", trigger)
        .put("startedAt", now.toString()).put("rebuildHistory", rebuildHistory);
    if (accountId != null) run.put("accountId", accountId);
    running = run;
    long t0 = System.nanoTime();
    runningFuture = save(run).compose(v -> {
      publish("run.started", run.copy());
      return accounts(accountId);
    }).compose(ids -> reconcileAll(run, ids, rebuildHistory)).transform(ar -> {
      long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      duration.record(Duration.ofNanos(System.nanoTime() - t0));
      JsonObject done = run.copy().put("finishedAt", Instant.now().toString()).put("durationMs", ms);
      if (ar.failed()) {
        log.warn("Reconciliation run {} failed: {}", runId, ar.cause().toString());
        done.put("status", "FAILED").put("error", String.valueOf(ar.cause().getMessage()));
      } else {
        done.mergeIn(ar.result());
      }
      Counter.builder("bourse.reconciliation.runs").tag("status", done.getString("status")).register(meters).increment();
      // If the full record cannot be saved, its summary is (so the run never stays RUNNING in the store).
      return save(done).recover(e -> {
        log.error("Reconciliation run {} could not be recorded in full; recording its summary", runId, e);
        return save(summary(done).put("truncated", true).put("recordError", String.valueOf(e.getMessage())));
      }).otherwise(e -> {
        log.error("Reconciliation run {} could not be recorded", runId, e);
        return null;
      }).map(v -> {
        publish("run.finished", summary(done));
        log.info("Reconciliation run {} {} in {} ms: {} accounts, {} discrepancies ({} repaired)", runId,
            done.getString("status"), ms, done.getInteger("accounts", 0), done.getInteger("discrepancyCount", 0),
            done.getInteger("repairedCount", 0));
        return done;
      });
    }).onComplete(ar -> {
      running = null;
      if (again != null) {
        String next = again;
        again = null;
        trigger(next, null, false);
      }
    });
    return run.copy();
  }

  private static JsonObject summary(JsonObject run) {
    JsonObject s = run.copy();
    s.remove("results");
    return s;
  }

  private Future<List<String>> accounts(String accountId) {
    if (accountId != null) {
      return store.read(TradingStore.REGISTRY, accountId).compose(d -> d == null
          ? Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No account " + accountId))
          : Future.succeededFuture(List.of(accountId)));
    }
    return store.queryAll(Query.in(TradingStore.REGISTRY).eq(TradingStore.DOC_TYPE, "registry"))
        .map(docs -> docs.stream().map(d -> d.getString("accountId")).sorted().toList());
  }

  /** Account by account, in order: each waits only for its own shard. */
  private Future<JsonObject> reconcileAll(JsonObject run, List<String> accountIds, boolean rebuildHistory) {
    JsonArray results = new JsonArray();
    int[] counts = new int[3]; // discrepancies, repaired, accounts needing attention
    int[] stored = new int[1];
    boolean[] truncated = new boolean[1];
    JsonArray failedAccounts = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (String accountId : accountIds) {
      chain = chain.compose(v -> reconcileOne(run, accountId, rebuildHistory).transform(ar -> {
        if (ar.failed()) {
          failedAccounts.add(new JsonObject().put("accountId", accountId).put("error", String.valueOf(ar.cause().getMessage())));
          return Future.succeededFuture();
        }
        JsonObject result = ar.result();
        JsonArray found = result.getJsonArray("discrepancies", new JsonArray());
        counts[0] += found.size();
        JsonObject byType = new JsonObject();
        for (int i = 0; i < found.size(); i++) {
          JsonObject d = found.getJsonObject(i);
          if (d.getBoolean("repaired", false)) counts[1]++;
          byType.put(d.getString("type"), byType.getInteger(d.getString("type"), 0) + 1);
        }
        if (result.getBoolean("needsAttention", false)) counts[2]++;
        if (!found.isEmpty()) {
          int keep = Math.min(found.size(), Math.min(MAX_STORED_PER_ACCOUNT, MAX_STORED - stored[0]));
          JsonObject kept = result.copy().put("discrepancyCounts", byType);
          if (keep < found.size()) {
            kept.put("discrepancies", new JsonArray(found.getList().subList(0, keep)))
                .put("discrepanciesNotStored", found.size() - keep);
            truncated[0] = true;
          }
          stored[0] += keep;
          results.add(kept);
        }
        return Future.succeededFuture();
      }));
    }
    return chain.map(v -> {
      String status = !failedAccounts.isEmpty() ? "FAILED" : counts[2] > 0 ? "NEEDS_ATTENTION"
          : counts[0] > 0 ? "REPAIRED" : "CLEAN";
      JsonObject out = new JsonObject().put("status", status).put("accounts", accountIds.size())
          .put("discrepancyCount", counts[0]).put("repairedCount", counts[1]).put("accountsNeedingAttention", counts[2])
          .put("results", results).put("truncated", truncated[0]);
      if (!failedAccounts.isEmpty()) out.put("failedAccounts", failedAccounts);
      return out;
    });
  }

  private Future<JsonObject> reconcileOne(JsonObject run, String accountId, boolean rebuildHistory) {
    int shard = TradingVerticle.shardOf(accountId, shards);
    JsonObject cmd = new JsonObject().put("action", "reconcile").put("accountId", accountId)
        .put("rebuildHistory", rebuildHistory).put("runId", run.getString("id"));
    return vertx.eventBus().<JsonObject>request(Addresses.tradingCommand(shard), cmd,
        new DeliveryOptions().setSendTimeout(config.accountTimeoutMs())).compose(reply -> {
          JsonObject body = reply.body();
          if (body.containsKey("error")) {
            return Future.failedFuture(new BourseException(ErrorCode.INTERNAL,
                body.getJsonObject("error").getString("message")));
          }
          return Future.succeededFuture(body);
        }).compose(result -> report(run, result));
  }

  /** Events and meters for one account's findings; an account that needs attention goes to REDUCING. */
  private Future<JsonObject> report(JsonObject run, JsonObject result) {
    String accountId = result.getString("accountId");
    JsonArray found = result.getJsonArray("discrepancies");
    for (int i = 0; i < found.size(); i++) {
      JsonObject d = found.getJsonObject(i);
      boolean repaired = d.getBoolean("repaired", false);
      Counter.builder("bourse.reconciliation.discrepancies").tag("type", d.getString("type"))
          .tag("repaired", String.valueOf(repaired)).register(meters).increment();
      JsonObject event = d.copy().put("runId", run.getString("id")).put("accountId", accountId);
      publish("discrepancy.found", event);
      publish(repaired ? "discrepancy.repaired" : "needs.attention", event);
      // What needs an operator is in the log as well as on the admin bridge: it is what they will search for.
      if (!repaired) {
        log.warn("Reconciliation run {}: account {} needs attention: {} {} {}", run.getString("id"), accountId,
            d.getString("type"), d.getString("orderId", "-"), d.getString("detail"));
      }
    }
    if (!result.getBoolean("needsAttention", false)) return Future.succeededFuture(result);
    return ControlUpdates.load(store).compose(control -> {
      if (control.byAccount().get(accountId) != null) return Future.succeededFuture(result);
      JsonObject audit = new JsonObject().put("state", TradingState.REDUCING.name()).put("accountId", accountId)
          .put("userId", "reconciliation").put("reason", "reconciliation run " + run.getString("id") + " needs attention");
      return ControlUpdates.update(vertx, store, c -> c.withAccount(accountId, TradingState.REDUCING), audit)
          .map(c -> {
            publish("account.reducing", new JsonObject().put("runId", run.getString("id")).put("accountId", accountId));
            return result.put("accountState", TradingState.REDUCING.name());
          });
    });
  }

  private void publish(String type, JsonObject body) {
    vertx.eventBus().publish(Addresses.ADMIN_RECONCILIATION, body.put("type", type).put("at", Instant.now().toString()));
  }

  private Future<Void> save(JsonObject run) {
    JsonObject doc = run.copy().put(TradingStore.DOC_TYPE, "run");
    doc.put("runId", doc.remove("id")); // "id" is the store's own field
    return store.documents().upsert(TradingStore.CONTAINER,
        Document.of(PARTITION, runDocId(run.getString("id")), doc)).mapEmpty();
  }

  /** Asks the running verticle for a run; with {@code await} the reply comes when the run is finished (the CLI). */
  public static Future<JsonObject> requestRun(io.vertx.core.Vertx vertx, JsonObject request, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(Addresses.RECONCILE_RUN, request,
        new DeliveryOptions().setSendTimeout(timeoutMs)).map(Message::body);
  }
}

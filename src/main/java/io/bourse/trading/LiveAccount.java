package io.bourse.trading;

import io.bourse.common.IsoInstants;
import io.bourse.common.Addresses;
import io.bourse.store.BatchOperation;
import io.bourse.store.Document;
import io.bourse.trading.domain.LedgerEntry;
import io.bourse.trading.domain.Order;
import io.bourse.trading.domain.OrderEvent;
import io.bourse.trading.domain.Position;
import io.bourse.trading.domain.TradingAccount;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One account as its shard holds it: the domain aggregate plus what the store and the dashboards need beside it —
 * per-order metadata (idempotency hash, request id), the account's event sequence (every published trading event
 * carries the next number, gap-free, so clients can resume), the last venue execution sequence applied, and how much
 * of the histories and ledger is already handed to the writer. {@link #collect} turns what a command changed into the
 * documents of one atomic batch and the events to publish once it is durable.
 */
final class LiveAccount {
  /** A trading event to publish after its batch is durable. */
  record Publication(String address, JsonObject body) {}

  /** What one command produced: the documents of its batch and the events it causes. */
  record Changes(long batch, List<BatchOperation> operations, List<Publication> publications) {}

  final String accountId;
  final String tenantId;
  final TradingAccount account;
  final AccountWriter writer;
  final Map<String, JsonObject> orderMeta;
  final Instant createdAt;
  long eventSequence;
  long venueSequence;
  /** Venue execution sequence up to which reconciliation has verified every execution against local state. */
  long reconSequence;
  long entryNumber;
  /**
   * Venue executions up to this sequence were applied (if at all) before this process loaded the account, or while it
   * lost track of the strays below: reconciliation checks them against the store. Every later execution went through
   * this process's {@code applyExecution} in sequence order, so one that found its order open here was applied to it,
   * in the same batch as its fill document, and only the {@linkplain #strays strays} need a look.
   */
  private long unvouchedThrough;
  /**
   * Sequences of executions after {@link #unvouchedThrough} whose order was not open here when they were applied (a
   * fill of an order already finished, an order placed at the venue directly): left to reconciliation, and dropped
   * once a run has covered them. Bounded: past {@link #MAX_STRAYS} the account vouches for nothing it has seen.
   */
  private final java.util.TreeSet<Long> strays = new java.util.TreeSet<>();
  static final int MAX_STRAYS = 10_000;
  /** The operator's limits for this account: they replace the configured defaults where set. */
  io.bourse.trading.domain.risk.RiskLimits limits;
  private final Map<String, Integer> collectedHistory = new HashMap<>();
  private final List<JsonObject> pendingAlerts = new ArrayList<>();
  /**
   * The last stored form of orders recently finished and dropped from memory, so the answer to a placement whose fill
   * raced ahead of the venue's reply can be built, and recorded on the order, without a store read, and so a repeat
   * of a key whose order finished in a batch still being written is not mistaken for a new key. An entry stays while
   * the batch that wrote it is not durable (then only this map knows the order); once durable, only the newest
   * {@link #FINISHED_KEPT} stay. The shard is the only writer of its accounts, so this is exactly what the store holds.
   *
   * <p>Kept small on purpose: an order document retained for seconds survives several young collections and is
   * copied each time (with 1,024 per account this was most of the young-pause time under order entry).
   */
  private final Map<String, Finished> finished = new java.util.LinkedHashMap<>();
  private static final int FINISHED_KEPT = 64;
  /** Numbers the batches {@link #collect} builds; {@link #durable} reports the newest one written. */
  private long collected;
  private long durableUpTo;

  private record Finished(JsonObject doc, long batch) {}

  /**
   * Order-document fields kept beside the domain order: the idempotency record (key, request hash and the first
   * answer given), the outbox entry (the venue action the order waits for), where the order came from, and its
   * lifecycle history (the first {@link TradingStore#INLINE_HISTORY} events; later ones are event documents).
   */
  static final List<String> META_FIELDS = List.of("idempotencyKey", "requestHash", "source", "requestId", "response",
      "outbox", "history");

  LiveAccount(String tenantId, TradingAccount account, AccountWriter writer, JsonObject accountDoc,
      Map<String, JsonObject> orderMeta) {
    this.accountId = account.accountId();
    this.tenantId = tenantId;
    this.account = account;
    this.writer = writer;
    this.orderMeta = new HashMap<>(orderMeta);
    this.createdAt = Instant.parse(accountDoc.getString("createdAt"));
    this.eventSequence = accountDoc.getLong("eventSequence", 0L);
    this.venueSequence = accountDoc.getLong("venueSequence", 0L);
    this.reconSequence = accountDoc.getLong("reconSequence", 0L);
    this.unvouchedThrough = venueSequence;
    this.entryNumber = accountDoc.getLong("entryNumber", 0L);
    this.limits = TradingJson.limitsFrom(accountDoc.getJsonObject("limits"));
    for (Order order : account.orders()) collectedHistory.put(order.id(), account.historySize(order.id()));
  }

  /**
   * Documents and events for everything the command changed: the touched orders (with their new history events and
   * fills), the positions of their symbols, the new ledger entries, the account snapshot, plus {@code extra} documents
   * (idempotency record, outbox). Terminal orders are dropped from memory once collected.
   */
  Changes collect(Set<String> touchedOrders, List<BatchOperation> extra, String requestId,
      Function<String, BigDecimal> markPrice) {
    long batch = ++collected;
    List<BatchOperation> ops = new ArrayList<>(extra);
    List<Publication> events = new ArrayList<>();
    Set<String> symbols = new LinkedHashSet<>();
    for (String orderId : touchedOrders) {
      Order order = account.order(orderId).orElse(null);
      if (order == null) continue;
      int from = collectedHistory.getOrDefault(orderId, 0);
      List<OrderEvent> fresh = account.historySince(orderId, from);
      collectedHistory.put(orderId, from + fresh.size());
      JsonObject meta = orderMeta.computeIfAbsent(orderId, id -> new JsonObject());
      // A reloaded order's stored feesPaid is what its collected fills paid.
      BigDecimal feesBefore = TradingJson.dec(meta, meta.containsKey("feesCollected") ? "feesCollected" : "feesPaid");
      BigDecimal fees = feesBefore == null ? BigDecimal.ZERO : feesBefore;
      io.vertx.core.json.JsonArray inline = meta.getJsonArray("history");
      if (inline == null) {
        inline = new io.vertx.core.json.JsonArray();
        meta.put("history", inline);
      }
      for (OrderEvent event : fresh) {
        JsonObject eventJson = TradingJson.event(event).put("requestId", requestId);
        if (event.sequence() <= TradingStore.INLINE_HISTORY) {
          inline.add(eventJson);
        } else {
          // A long-lived order (many partial fills) keeps its first events inline and the rest as their own documents,
          // so rewriting the order stays cheap and the document bounded.
          ops.add(BatchOperation.upsert(Document.of(accountId, TradingStore.eventDocId(orderId, event.sequence()),
              eventJson.copy().put(TradingStore.DOC_TYPE, "event"))));
        }
        if (event.executionId() != null) {
          // The fee of this execution is what the order's fee total grew by since the previous one.
          BigDecimal fee = feeOf(order, event, fees, fresh);
          fees = fees.add(fee);
          JsonObject fill = TradingJson.fill(order, event, fee);
          ops.add(BatchOperation.upsert(Document.of(accountId, TradingStore.fillDocId(event.executionId()),
              fill.copy().put(TradingStore.DOC_TYPE, "fill"))));
          events.add(publication("fills", fill));
          // Only an execution moves a position (and PnL); other transitions leave both as they were.
          symbols.add(order.symbol());
        }
      }
      meta.put("feesCollected", TradingJson.plain(fees));
      // A finished order waits for nothing at the venue (a cancel overtaken by the last fill included).
      if (order.status().isTerminal()) meta.remove("outbox");
      JsonObject doc = orderDoc(order, meta);
      if (order.status().isTerminal()) finished.put(orderId, new Finished(doc, batch));
      ops.add(BatchOperation.upsert(Document.of(accountId, TradingStore.orderDocId(orderId), doc)));
      events.add(publication("orders", TradingJson.order(order)));
    }
    for (String symbol : symbols) {
      Position position = account.position(symbol);
      JsonObject json = TradingJson.position(position, markPrice.apply(symbol));
      ops.add(BatchOperation.upsert(Document.of(accountId, TradingStore.positionDocId(symbol),
          TradingJson.position(position, null).put(TradingStore.DOC_TYPE, "position"))));
      events.add(publication("positions", json));
    }
    List<LedgerEntry> entries = account.ledger().entries();
    ops.addAll(ledgerDocuments(entries));
    account.ledger().forgetEntries(entries.size());
    if (!symbols.isEmpty()) events.add(publication("pnl", pnl(markPrice)));
    for (JsonObject alert : pendingAlerts) events.add(publication("alerts", alert));
    pendingAlerts.clear();
    ops.add(BatchOperation.upsert(Document.of(accountId, TradingStore.ACCOUNT_DOC, accountDoc())));
    for (String orderId : touchedOrders) {
      account.order(orderId).filter(o -> o.status().isTerminal()).ifPresent(o -> {
        account.forget(orderId);
        collectedHistory.remove(orderId);
        orderMeta.remove(orderId);
      });
    }
    return new Changes(batch, ops, events);
  }

  /**
   * The batch numbered {@code batch} (and every earlier one: an account's batches are written in order) is durable:
   * finished orders beyond the newest few may leave memory, the store now answers for them.
   */
  void durable(long batch) {
    durableUpTo = Math.max(durableUpTo, batch);
    var eldest = finished.entrySet().iterator();
    while (finished.size() > FINISHED_KEPT && eldest.hasNext()) {
      if (eldest.next().getValue().batch() > durableUpTo) break;
      eldest.remove();
    }
  }

  private static BigDecimal feeOf(Order order, OrderEvent event, BigDecimal feesBefore, List<OrderEvent> fresh) {
    long fillsInBatch = fresh.stream().filter(e -> e.executionId() != null).count();
    // One fill per command is the rule (each venue report is its own command); then the difference is exact.
    return fillsInBatch == 1 ? order.feesPaid().subtract(feesBefore) : BigDecimal.ZERO;
  }

  private JsonObject orderDoc(Order order, JsonObject meta) {
    JsonObject doc = TradingJson.order(order, "orderId").put(TradingStore.DOC_TYPE, "order").put("open", order.status().isOpen())
        .put("currency", account.currencyOf(order.id()))
        .put("reserved", TradingJson.plain(account.ledger().reservedFor(order.id())));
    for (String key : META_FIELDS) {
      // Copies: the meta keeps changing with later commands while this document may still wait in the writer's queue.
      Object value = meta.getValue(key);
      if (value instanceof JsonObject o) value = o.copy();
      else if (value instanceof io.vertx.core.json.JsonArray a) value = a.copy();
      if (value != null) doc.put(key, value);
    }
    return doc;
  }

  /**
   * The ledger entries one command booked, as one document per currency (numbered consecutively within it, so the
   * documents' number ranges never interleave and the ledger can be paged by entry number). One document per
   * command rather than per entry: an order books 7–11 entries over its life.
   */
  private List<BatchOperation> ledgerDocuments(List<LedgerEntry> entries) {
    if (entries.isEmpty()) return List.of();
    Map<String, List<LedgerEntry>> byCurrency = new java.util.LinkedHashMap<>();
    for (LedgerEntry entry : entries) byCurrency.computeIfAbsent(entry.currency(), c -> new ArrayList<>()).add(entry);
    List<BatchOperation> docs = new ArrayList<>(byCurrency.size());
    byCurrency.forEach((currency, list) -> {
      long first = entryNumber + 1;
      io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
      for (LedgerEntry entry : list) items.add(TradingJson.ledgerEntry(entry, ++entryNumber));
      docs.add(BatchOperation.upsert(Document.of(accountId, TradingStore.ledgerDocId(first),
          new JsonObject().put(TradingStore.DOC_TYPE, "ledger").put("number", entryNumber).put("first", first)
              .put("currency", currency).put("entries", items))));
    });
    return docs;
  }

  /** Notes an execution applied while its order was not open here; reconciliation is to look at it. */
  void stray(long sequence) {
    if (strays.size() >= MAX_STRAYS) {
      unvouchedThrough = Math.max(unvouchedThrough, venueSequence);
      strays.clear();
      return;
    }
    if (sequence > unvouchedThrough) strays.add(sequence);
  }

  /**
   * Whether reconciliation must check an execution of an order no longer in memory against the store: true unless
   * this process applied it, in sequence, to its open order.
   */
  boolean needsStoreCheck(long sequence) {
    return sequence <= unvouchedThrough || strays.contains(sequence);
  }

  /** A reconciliation run verified every execution up to {@code sequence}: its strays need no more looks. */
  void verifiedThrough(long sequence) {
    strays.headSet(sequence, true).clear();
  }

  /** The order as clients see it: live if it is in memory, else its final form if it finished recently, else null. */
  JsonObject orderView(String orderId) {
    if (account.order(orderId).isPresent()) return TradingJson.order(account.order(orderId).get());
    Finished done = finished.get(orderId);
    return done == null ? null : TradingJson.order(TradingJson.orderFrom(done.doc()));
  }

  /**
   * Queues an alert for the account's dashboards. It is numbered and published with the next batch like every other
   * event: its sequence number must be durable (in the account document) before anyone sees it, or a restart would
   * hand the same number to another event and a resuming client would skip that one.
   */
  void alert(JsonObject body) { pendingAlerts.add(body); }

  /** The last stored form of an order that finished recently and left memory, or null. */
  JsonObject finishedDoc(String orderId) {
    Finished done = finished.get(orderId);
    return done == null ? null : done.doc();
  }

  /**
   * Changes the stored form of an order that finished and left memory (its answer or outbox entry arriving after its
   * last fill): the new document to write, or null if the order is no longer remembered here.
   */
  BatchOperation rewriteFinished(String orderId, java.util.function.Consumer<JsonObject> change) {
    Finished done = finished.get(orderId);
    if (done == null) return null;
    JsonObject updated = done.doc().copy();
    change.accept(updated);
    // The caller hands the rewrite to the next batch collected: the entry stays until that one is durable.
    finished.put(orderId, new Finished(updated, collected + 1));
    return BatchOperation.upsert(Document.of(accountId, TradingStore.orderDocId(orderId), updated));
  }

  JsonObject accountDoc() {
    JsonObject realized = new JsonObject();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    account.realizedByDay().forEach((day, amount) -> {
      if (!day.isBefore(today.minusDays(1))) realized.put(day.toString(), TradingJson.plain(amount));
    });
    return new JsonObject().put(TradingStore.DOC_TYPE, "account").put("accountId", accountId).put("tenantId", tenantId)
        .put("balances", TradingStore.balancesJson(account.ledger().balances()))
        .put("nextPosting", account.ledger().nextPosting()).put("entryNumber", entryNumber)
        .put("eventSequence", eventSequence).put("venueSequence", venueSequence).put("reconSequence", reconSequence)
        .put("realizedByDay", realized).put("limits", TradingJson.limits(limits)).put("createdAt", IsoInstants.format(createdAt));
  }

  /** The account as REST shows it: per currency available, reserved and equity (cash plus positions at the mark). */
  JsonObject view(Function<String, BigDecimal> markPrice, Function<String, String> quoteCurrency) {
    JsonObject balances = new JsonObject();
    Map<String, BigDecimal> positionValue = new HashMap<>();
    for (Position p : account.positions()) {
      BigDecimal mark = markPrice.apply(p.symbol());
      String currency = quoteCurrency.apply(p.symbol());
      if (mark != null && currency != null) positionValue.merge(currency, p.quantity().multiply(mark), BigDecimal::add);
    }
    for (String currency : account.ledger().currencies()) {
      BigDecimal available = account.ledger().available(currency);
      BigDecimal reserved = account.ledger().reserved(currency);
      BigDecimal equity = available.add(reserved).add(positionValue.getOrDefault(currency, BigDecimal.ZERO));
      balances.put(currency, new JsonObject().put("available", TradingJson.plain(available))
          .put("reserved", TradingJson.plain(reserved)).put("equity", TradingJson.plain(equity)));
    }
    String main = account.ledger().currencies().isEmpty() ? null : account.ledger().currencies().get(0);
    JsonObject view = new JsonObject().put("id", accountId).put("tenantId", tenantId).put("type", "PAPER")
        .put("balances", balances).put("sequence", eventSequence).put("createdAt", IsoInstants.format(createdAt));
    if (main != null) {
      JsonObject m = balances.getJsonObject(main);
      view.put("currency", main).put("available", m.getString("available")).put("reserved", m.getString("reserved"))
          .put("equity", m.getString("equity"));
    }
    return view;
  }

  JsonObject pnl(Function<String, BigDecimal> markPrice) {
    BigDecimal realized = BigDecimal.ZERO;
    BigDecimal unrealized = BigDecimal.ZERO;
    for (Position p : account.positions()) {
      realized = realized.add(p.realizedPnl());
      BigDecimal mark = markPrice.apply(p.symbol());
      if (mark != null) unrealized = unrealized.add(p.unrealizedPnl(mark));
    }
    return new JsonObject().put("accountId", accountId).put("realizedPnl", TradingJson.plain(realized))
        .put("unrealizedPnl", TradingJson.plain(unrealized));
  }

  private Publication publication(String stream, JsonObject body) {
    return new Publication(Addresses.trading(tenantId, stream), body.put("accountId", accountId)
        .put("sequence", ++eventSequence));
  }
}

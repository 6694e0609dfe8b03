package io.bourse.venue;

import io.bourse.trading.domain.Decimals;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.bourse.venue.JournalEvent.Executed;
import io.bourse.venue.JournalEvent.OrderAccepted;
import io.bourse.venue.JournalEvent.Triggered;
import io.bourse.venue.VenueExecution.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The paper venue's state and matching rules: plain Java, no Vert.x, single-threaded (the server calls it from its
 * event loop only). Every change goes through {@link #apply}, which the journal replay calls too.
 *
 * <p>Matching against the last mark price {@code m} (the venue has no book of its own):
 * <ul>
 *   <li>a taker (a MARKET order, or a LIMIT order marketable when it arrives or when its stop triggers) fills at
 *       {@code m} moved against it by {@code slippageBps}, never beyond its limit;</li>
 *   <li>a resting LIMIT order fills at its limit when a mark crosses it (buy: {@code m <= limit}; sell:
 *       {@code m >= limit});</li>
 *   <li>a STOP_LIMIT order triggers when a mark crosses its stop (buy: {@code m >= stop}; sell: {@code m <= stop})
 *       and then works as a limit order that has just arrived;</li>
 *   <li>each matching opportunity fills at most {@code maxFillFraction} of the order quantity (and at most
 *       {@code maxFillQuantity}); a MARKET GTC remainder keeps filling on the next marks;</li>
 *   <li>IOC expires what the arrival could not fill; FOK fills in full at arrival or expires untouched;</li>
 *   <li>fees are {@code feeBps} of the notional in the quote currency, rounded up to 8 decimals (a venue never
 *       undercharges); the notional itself is exact.</li>
 * </ul>
 */
final class PaperBook {
  private static final BigDecimal TEN_THOUSAND = new BigDecimal(10_000);

  /** The outcome of one command: what to journal, what to push, and the order's state to reply with. */
  record Outcome(VenueOrderState state, boolean created, List<JournalEvent> events, List<VenueExecution> executions) {}

  private final VenueConfig config;
  private final Map<String, Account> accounts = new HashMap<>();
  /** Open orders per symbol, in arrival order (time priority when a mark crosses several). */
  private final Map<String, Set<PaperOrder>> working = new HashMap<>();
  private final Map<String, BigDecimal> marks = new HashMap<>();
  private long orderCounter;
  private long executionCount;

  /** What is being collected for the command in progress. */
  private List<JournalEvent> pendingEvents = new ArrayList<>();
  private List<VenueExecution> pendingExecutions = new ArrayList<>();

  PaperBook(VenueConfig config) {
    this.config = config;
  }

  // ---- commands ---------------------------------------------------------------------------------------------

  /** Takes an order in; a repeat of (accountId, clientOrderId) returns the existing order and changes nothing. */
  Outcome submit(VenueOrder order, String forcedRejection, Instant now) {
    PaperOrder existing = find(order.accountId(), order.clientOrderId());
    if (existing != null) return new Outcome(existing.state(), false, List.of(), List.of());
    String venueOrderId = "pv" + (orderCounter + 1);
    record(new OrderAccepted(venueOrderId, order, now));
    PaperOrder o = find(order.accountId(), order.clientOrderId());
    BigDecimal mark = marks.get(order.symbol());
    if (forcedRejection != null) {
      notice(o, Kind.REJECTED, forcedRejection, now);
    } else if (order.type() == OrderType.MARKET && mark == null) {
      notice(o, Kind.REJECTED, "no mark price for " + order.symbol() + " yet", now);
    } else {
      notice(o, Kind.ACKNOWLEDGED, null, now);
      if (mark != null && order.type() == OrderType.STOP_LIMIT && stopCrossed(o, mark)) {
        record(new Triggered(order.accountId(), order.clientOrderId(), now));
      }
      arrive(o, mark, now);
    }
    return drain(o.state(), true);
  }

  /** Cancels an open order; null when the venue never saw it. A terminal order stays as it is. */
  Outcome cancel(String accountId, String clientOrderId, Instant now) {
    PaperOrder o = find(accountId, clientOrderId);
    if (o == null) return null;
    if (o.status.isOpen()) {
      notice(o, Kind.CANCELED, "canceled on request", now);
    } else if (o.status != VenueOrderStatus.CANCELED) {
      notice(o, Kind.CANCEL_REJECTED, "too late to cancel: the order is " + o.status, now);
    }
    return drain(o.state(), false);
  }

  /** A new last price: triggers stops and fills the orders it crosses, oldest first. */
  Outcome mark(String symbol, BigDecimal price, Instant at) {
    marks.put(symbol, price);
    for (PaperOrder o : List.copyOf(working.getOrDefault(symbol, Set.of()))) {
      if (!o.status.isOpen()) continue;
      if (o.order.type() == OrderType.STOP_LIMIT && !o.triggered) {
        if (stopCrossed(o, price)) {
          record(new Triggered(o.order.accountId(), o.order.clientOrderId(), at));
          arrive(o, price, at);
        }
      } else if (o.order.type() == OrderType.MARKET) {
        fill(o, available(o), takerPrice(o, price), at);
      } else if (limitCrossed(o, price)) {
        fill(o, available(o), o.order.price(), at);
      }
    }
    return drain(null, false);
  }

  // ---- queries ----------------------------------------------------------------------------------------------

  VenueOrderState lookup(String accountId, String clientOrderId) {
    PaperOrder o = find(accountId, clientOrderId);
    return o == null ? null : o.state();
  }

  List<VenueOrderState> orders(String accountId, boolean openOnly) {
    Account a = accounts.get(accountId);
    if (a == null) return List.of();
    return a.orders.values().stream().filter(o -> !openOnly || o.status.isOpen()).map(PaperOrder::state).toList();
  }

  ExecutionPage executions(String accountId, long afterSequence, int limit) {
    Account a = accounts.get(accountId);
    List<VenueExecution> all = a == null ? List.of() : a.executions;
    // Sequences are gap-free from 1, so execution n sits at index n - 1.
    int from = (int) Math.min(Math.max(afterSequence, 0), all.size());
    int to = (int) Math.min((long) from + limit, all.size());
    List<VenueExecution> items = List.copyOf(all.subList(from, to));
    long last = items.isEmpty() ? Math.max(afterSequence, 0) : items.get(items.size() - 1).sequence();
    return new ExecutionPage(items, last, to < all.size());
  }

  VenueAccount account(String accountId) {
    Account a = accounts.get(accountId);
    return a == null ? new VenueAccount(accountId, Map.of(), Map.of(), 0)
        : new VenueAccount(accountId, plainCopy(a.positions), plainCopy(a.cash), a.executions.size());
  }

  BigDecimal markOf(String symbol) { return marks.get(symbol); }

  long orderCount() { return orderCounter; }

  long executionCount() { return executionCount; }

  long openOrderCount() { return working.values().stream().mapToLong(Set::size).sum(); }

  // ---- the fold ---------------------------------------------------------------------------------------------

  /** Applies one journaled event. Throws {@link IllegalStateException} on an event that does not fit the state. */
  void apply(JournalEvent event) {
    if (event instanceof OrderAccepted a) {
      Account account = accounts.computeIfAbsent(a.order().accountId(), Account::new);
      if (account.orders.containsKey(a.order().clientOrderId())) {
        throw new IllegalStateException("duplicate client order id " + a.order().clientOrderId());
      }
      account.orders.put(a.order().clientOrderId(), new PaperOrder(a.venueOrderId(), a.order(), a.at()));
      orderCounter = Math.max(orderCounter, Long.parseLong(a.venueOrderId().substring(2)));
    } else if (event instanceof Triggered t) {
      PaperOrder o = require(t.accountId(), t.clientOrderId());
      o.triggered = true;
      o.updatedAt = t.at();
    } else {
      applyExecution(((Executed) event).execution());
    }
  }

  private void applyExecution(VenueExecution e) {
    Account account = accounts.computeIfAbsent(e.accountId(), Account::new);
    if (e.sequence() != account.executions.size() + 1L) {
      throw new IllegalStateException("account " + e.accountId() + ": sequence " + e.sequence() + " after "
          + account.executions.size());
    }
    PaperOrder o = require(e.accountId(), e.clientOrderId());
    account.executions.add(e);
    executionCount++;
    o.updatedAt = e.at();
    switch (e.kind()) {
      case ACKNOWLEDGED -> {
        o.status = VenueOrderStatus.NEW;
        working.computeIfAbsent(o.order.symbol(), s -> new LinkedHashSet<>()).add(o);
      }
      case FILLED -> {
        BigDecimal notional = e.quantity().multiply(e.price());
        o.filled = o.filled.add(e.quantity());
        o.notional = o.notional.add(notional);
        o.fills++;
        o.status = o.filled.compareTo(o.order.quantity()) >= 0 ? VenueOrderStatus.FILLED
            : VenueOrderStatus.PARTIALLY_FILLED;
        account.positions.merge(o.order.symbol(), o.order.side().signed(e.quantity()), BigDecimal::add);
        BigDecimal gross = o.order.side() == Side.SELL ? notional : notional.negate();
        account.cash.merge(config.currencyOf(o.order.symbol()), gross.subtract(e.fee()), BigDecimal::add);
      }
      case CANCELED -> close(o, VenueOrderStatus.CANCELED, e.reason());
      case EXPIRED -> close(o, VenueOrderStatus.EXPIRED, e.reason());
      case REJECTED -> close(o, VenueOrderStatus.REJECTED, e.reason());
      case CANCEL_REJECTED -> { /* the order is unchanged */ }
    }
    if (!o.status.isOpen()) {
      Set<PaperOrder> symbolOrders = working.get(o.order.symbol());
      if (symbolOrders != null) symbolOrders.remove(o);
    }
  }

  private static void close(PaperOrder o, VenueOrderStatus status, String reason) {
    o.status = status;
    o.reason = reason;
  }

  // ---- matching ---------------------------------------------------------------------------------------------

  /**
   * An order becomes active (on submission, or when its stop triggers) and meets the mark as a taker. Without a mark
   * nothing is marketable: an IOC or FOK limit order then expires at once.
   */
  private void arrive(PaperOrder o, BigDecimal mark, Instant at) {
    if (o.order.type() == OrderType.STOP_LIMIT && !o.triggered) return;
    boolean marketable = mark != null && (o.order.type() == OrderType.MARKET || limitCrossed(o, mark));
    BigDecimal remaining = o.remaining();
    BigDecimal available = available(o);
    TimeInForce tif = o.order.timeInForce();
    if (tif == TimeInForce.FOK) {
      if (marketable && available.compareTo(remaining) >= 0) {
        fill(o, remaining, takerPrice(o, mark), at);
      } else {
        notice(o, Kind.EXPIRED, "FOK: " + remaining.toPlainString()
            + " could not be filled in full" + (marketable ? " (liquidity)" : " at the limit price"), at);
      }
      return;
    }
    if (marketable) fill(o, available, takerPrice(o, mark), at);
    if (tif == TimeInForce.IOC && o.status.isOpen()) {
      notice(o, Kind.EXPIRED, "IOC: unfilled remainder " + o.remaining().toPlainString()
          + " canceled", at);
    }
  }

  private void fill(PaperOrder o, BigDecimal quantity, BigDecimal price, Instant at) {
    BigDecimal fee = plain(quantity.multiply(price).multiply(config.matching().feeBps())
        .divide(TEN_THOUSAND).setScale(Decimals.MONEY_SCALE, RoundingMode.UP));
    String executionId = o.venueOrderId + "-" + (o.fills + 1);
    report(o, Kind.FILLED, executionId, plain(quantity), plain(price), fee, null, at);
  }

  /** What one matching opportunity may fill: the remainder, capped by the partial-fill settings. */
  private BigDecimal available(PaperOrder o) {
    BigDecimal cap = o.order.quantity().multiply(config.matching().maxFillFraction());
    BigDecimal max = config.matching().maxFillQuantity();
    if (max.signum() > 0) cap = cap.min(max);
    return o.remaining().min(cap);
  }

  /** The mark moved against the taker by the slippage, never beyond its limit. */
  private BigDecimal takerPrice(PaperOrder o, BigDecimal mark) {
    BigDecimal slip = config.matching().slippageBps().divide(TEN_THOUSAND);
    boolean buy = o.order.side() == Side.BUY;
    BigDecimal price = mark.multiply(buy ? BigDecimal.ONE.add(slip) : BigDecimal.ONE.subtract(slip));
    if (o.order.price() != null) price = buy ? price.min(o.order.price()) : price.max(o.order.price());
    return price;
  }

  private static boolean limitCrossed(PaperOrder o, BigDecimal mark) {
    int cmp = mark.compareTo(o.order.price());
    return o.order.side() == Side.BUY ? cmp <= 0 : cmp >= 0;
  }

  private static boolean stopCrossed(PaperOrder o, BigDecimal mark) {
    int cmp = mark.compareTo(o.order.stopPrice());
    return o.order.side() == Side.BUY ? cmp >= 0 : cmp <= 0;
  }

  // ---- plumbing ---------------------------------------------------------------------------------------------

  /** A report that is not a fill. */
  private void notice(PaperOrder o, Kind kind, String reason, Instant at) {
    report(o, kind, null, null, null, null, reason, at);
  }

  private void report(PaperOrder o, Kind kind, String executionId, BigDecimal quantity, BigDecimal price,
      BigDecimal fee, String reason, Instant at) {
    Account account = accounts.get(o.order.accountId());
    VenueExecution e = new VenueExecution(account.executions.size() + 1L, o.order.accountId(),
        o.order.clientOrderId(), o.venueOrderId, kind, executionId, quantity, price, fee, reason, at);
    record(new Executed(e));
    pendingExecutions.add(e);
  }

  private void record(JournalEvent event) {
    apply(event);
    pendingEvents.add(event);
  }

  private Outcome drain(VenueOrderState state, boolean created) {
    Outcome outcome = new Outcome(state, created, pendingEvents, pendingExecutions);
    pendingEvents = new ArrayList<>();
    pendingExecutions = new ArrayList<>();
    return outcome;
  }

  private PaperOrder find(String accountId, String clientOrderId) {
    Account a = accounts.get(accountId);
    return a == null ? null : a.orders.get(clientOrderId);
  }

  private PaperOrder require(String accountId, String clientOrderId) {
    PaperOrder o = find(accountId, clientOrderId);
    if (o == null) throw new IllegalStateException("no order " + accountId + "/" + clientOrderId);
    return o;
  }

  private static Map<String, BigDecimal> plainCopy(Map<String, BigDecimal> values) {
    Map<String, BigDecimal> copy = new TreeMap<>();
    values.forEach((k, v) -> copy.put(k, plain(v)));
    return Map.copyOf(copy);
  }

  /** Plain form without trailing zeros ("2.50000" → "2.5", "0E-8" → "0"). */
  static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static final class Account {
    final String id;
    final Map<String, PaperOrder> orders = new LinkedHashMap<>();
    final List<VenueExecution> executions = new ArrayList<>();
    final Map<String, BigDecimal> positions = new TreeMap<>();
    final Map<String, BigDecimal> cash = new TreeMap<>();

    Account(String id) { this.id = id; }
  }

  private static final class PaperOrder {
    final String venueOrderId;
    final VenueOrder order;
    VenueOrderStatus status = VenueOrderStatus.NEW;
    BigDecimal filled = BigDecimal.ZERO;
    BigDecimal notional = BigDecimal.ZERO;
    int fills;
    boolean triggered;
    String reason;
    Instant updatedAt;

    PaperOrder(String venueOrderId, VenueOrder order, Instant at) {
      this.venueOrderId = venueOrderId;
      this.order = order;
      this.updatedAt = at;
    }

    BigDecimal remaining() { return order.quantity().subtract(filled); }

    VenueOrderState state() {
      BigDecimal average = filled.signum() == 0 ? null : plain(Decimals.divideForPrice(notional, filled));
      return new VenueOrderState(order.accountId(), order.clientOrderId(), venueOrderId, order.symbol(),
          order.side(), order.type(), order.quantity(), order.price(), status, plain(filled), average, reason,
          updatedAt);
    }
  }
}

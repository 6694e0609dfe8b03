package io.bourse.trading.domain;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The aggregate the trading shard's single writer owns for one account: orders and their histories, the capital
 * ledger, positions, and the counters the risk rules read. Commands (place, cancel request) and venue reports go
 * through here and nowhere else, so the invariants hold for every path:
 * <ul>
 *   <li>a status change happens only if {@link OrderStatus#canTransition} allows it, otherwise ERR_ORD_006;</li>
 *   <li>each execution id is applied once, a repeat is a no-op;</li>
 *   <li>position quantity = signed Σ applied fills; the ledger sums to zero per currency;</li>
 *   <li>a terminal order holds no reservation.</li>
 * </ul>
 * Not thread-safe by design (single writer per shard, ARCHITECTURE §1).
 */
public final class TradingAccount {
  private static final Duration RATE_WINDOW = Duration.ofMinutes(1);

  private final String accountId;
  private final ReservationPolicy reservationPolicy;
  private final Ledger ledger;
  private final Map<String, Order> orders = new LinkedHashMap<>();
  private final Map<String, String> currencyByOrder = new HashMap<>();
  private final Map<String, List<OrderEvent>> histories = new HashMap<>();
  private final Map<String, Position> positions = new HashMap<>();
  private final Set<String> appliedExecutions = new HashSet<>();
  private final Deque<Instant> recentPlacements = new ArrayDeque<>();
  private final Map<LocalDate, BigDecimal> realizedByDay = new HashMap<>();

  public TradingAccount(String accountId, ReservationPolicy reservationPolicy) {
    this(accountId, reservationPolicy, new Ledger(accountId));
  }

  private TradingAccount(String accountId, ReservationPolicy reservationPolicy, Ledger ledger) {
    this.accountId = accountId;
    this.reservationPolicy = reservationPolicy;
    this.ledger = ledger;
  }

  /** What a persisted account is rebuilt from: only open orders are live state; terminal ones stay in the store. */
  public record Snapshot(Ledger ledger, List<Order> openOrders, Map<String, String> currencyByOrder,
      Map<String, List<OrderEvent>> histories, List<Position> positions, Map<LocalDate, BigDecimal> realizedByDay) {}

  public static TradingAccount restore(String accountId, ReservationPolicy reservationPolicy, Snapshot snapshot) {
    TradingAccount account = new TradingAccount(accountId, reservationPolicy, snapshot.ledger());
    for (Order order : snapshot.openOrders()) {
      account.orders.put(order.id(), order);
      account.currencyByOrder.put(order.id(), snapshot.currencyByOrder().get(order.id()));
      List<OrderEvent> history = new ArrayList<>(snapshot.histories().getOrDefault(order.id(), List.of()));
      account.histories.put(order.id(), history);
      for (OrderEvent event : history) {
        if (event.executionId() != null) account.appliedExecutions.add(event.executionId());
      }
    }
    snapshot.positions().forEach(p -> account.positions.put(p.symbol(), p));
    account.realizedByDay.putAll(snapshot.realizedByDay());
    return account;
  }

  /** The quote currency an order reserves and settles in; null for an order this account does not hold. */
  public String currencyOf(String orderId) { return currencyByOrder.get(orderId); }

  public Map<LocalDate, BigDecimal> realizedByDay() { return Map.copyOf(realizedByDay); }

  /** Number of events in an order's history, without copying it. */
  public int historySize(String orderId) {
    List<OrderEvent> history = histories.get(orderId);
    return history == null ? 0 : history.size();
  }

  /** Events of an order's history from index {@code from} (0-based) on. */
  public List<OrderEvent> historySince(String orderId, int from) {
    List<OrderEvent> history = histories.getOrDefault(orderId, List.of());
    return from >= history.size() ? List.of() : List.copyOf(history.subList(from, history.size()));
  }

  /**
   * Drops a terminal order from memory once it is persisted, so memory stays bounded by the open orders. Its
   * execution ids go too: a terminal order can take no more fills, so a repeated report for it is recognised by the
   * order being terminal (in the store), not by this set.
   */
  public void forget(String orderId) {
    Order order = orders.get(orderId);
    if (order == null || !order.status().isTerminal()) return;
    orders.remove(orderId);
    currencyByOrder.remove(orderId);
    List<OrderEvent> history = histories.remove(orderId);
    if (history != null) {
      for (OrderEvent event : history) {
        if (event.executionId() != null) appliedExecutions.remove(event.executionId());
      }
    }
  }

  public String accountId() { return accountId; }

  public ReservationPolicy reservationPolicy() { return reservationPolicy; }

  public Ledger ledger() { return ledger; }

  public Optional<Order> order(String orderId) { return Optional.ofNullable(orders.get(orderId)); }

  public Collection<Order> orders() { return Collections.unmodifiableCollection(orders.values()); }

  public List<OrderEvent> history(String orderId) { return List.copyOf(histories.getOrDefault(orderId, List.of())); }

  public Position position(String symbol) {
    return positions.getOrDefault(symbol, Position.flat(accountId, symbol));
  }

  public Collection<Position> positions() { return Collections.unmodifiableCollection(positions.values()); }

  public boolean isExecutionApplied(String executionId) { return appliedExecutions.contains(executionId); }

  public void deposit(String currency, BigDecimal amount, Instant at) { ledger.deposit(currency, amount, at); }

  public int openOrderCount() {
    return (int) orders.values().stream().filter(o -> o.status().isOpen()).count();
  }

  /** Unfilled quantity of open orders on one side of a symbol: what could still land on the position. */
  public BigDecimal openQuantity(String symbol, Side side) {
    return orders.values().stream()
        .filter(o -> o.status().isOpen() && o.symbol().equals(symbol) && o.side() == side)
        .map(Order::remainingQuantity)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** Orders placed in the minute before {@code now}, for the order-rate rule. */
  public int ordersPlacedInLastMinute(Instant now) {
    Instant cutoff = now.minus(RATE_WINDOW);
    while (!recentPlacements.isEmpty() && !recentPlacements.peekFirst().isAfter(cutoff)) recentPlacements.pollFirst();
    return recentPlacements.size();
  }

  /** Realized PnL net of fees booked on the UTC day of {@code now} plus unrealized PnL at the given marks (symbols without one count zero). */
  public BigDecimal dailyPnl(Instant now, Function<String, BigDecimal> markPrice) {
    BigDecimal pnl = realizedByDay.getOrDefault(utcDay(now), BigDecimal.ZERO);
    for (Position position : positions.values()) {
      BigDecimal mark = markPrice.apply(position.symbol());
      if (mark != null) pnl = pnl.add(position.unrealizedPnl(mark));
    }
    return pnl;
  }

  /**
   * Accepts an order in PENDING_NEW and reserves its capital. Idempotent on the intent: the same idempotency key
   * returns the order it already made, whatever its state, and reserves nothing more; the same key with other terms
   * fails with ERR_CONFLICT_001. Risk rules are checked by the
   * caller beforehand ({@code RiskEngine}); this still refuses (ERR_ORD_003) what the ledger cannot cover.
   */
  public Order place(PlaceOrder command, InstrumentSpec instrument, BigDecimal referencePrice, Instant at) {
    if (!command.accountId().equals(accountId)) {
      throw new IllegalArgumentException("order for account " + command.accountId() + " sent to " + accountId);
    }
    String clientOrderId = ClientOrderIds.derive(accountId, command.idempotencyKey());
    Order existing = orders.get(clientOrderId);
    if (existing != null) {
      if (!sameIntent(existing, command)) {
        throw new BourseException(ErrorCode.CONFLICT_IDEMPOTENCY, "Idempotency key " + command.idempotencyKey()
            + " already placed order " + existing.id() + " with different terms");
      }
      return existing;
    }
    BigDecimal reservation = reservationPolicy.reservationFor(command, referencePrice);
    ledger.reserve(clientOrderId, instrument.quoteCurrency(), reservation, at);
    Order order = Order.pendingNew(clientOrderId, command, clientOrderId, at);
    orders.put(order.id(), order);
    currencyByOrder.put(order.id(), instrument.quoteCurrency());
    recentPlacements.addLast(at);
    record(order, null, order.status(), command.source(), "order accepted", null, at);
    return order;
  }

  private static boolean sameIntent(Order order, PlaceOrder command) {
    return order.symbol().equals(command.symbol()) && order.side() == command.side() && order.type() == command.type()
        && order.quantity().compareTo(command.quantity()) == 0 && sameDecimal(order.price(), command.price())
        && sameDecimal(order.stopPrice(), command.stopPrice()) && order.timeInForce() == command.timeInForce();
  }

  private static boolean sameDecimal(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  /** Marks a working order PENDING_CANCEL; repeating the request while it is pending changes nothing. */
  public Order requestCancel(String orderId, EventSource source, String reason, Instant at) {
    Order order = require(orderId);
    if (order.status() == OrderStatus.PENDING_CANCEL) return order;
    return transition(order, OrderStatus.PENDING_CANCEL, source, reason, at);
  }

  /** Reconciliation could not resolve an UNKNOWN order; it stays open (and reserved) until an operator or the venue settles it. */
  public Order flagReconcileRequired(String orderId, String reason, Instant at) {
    Order order = require(orderId);
    if (order.status() == OrderStatus.RECONCILE_REQUIRED) return order;
    return transition(order, OrderStatus.RECONCILE_REQUIRED, EventSource.RECONCILIATION, reason, at);
  }

  public ReportOutcome apply(String orderId, VenueReport report, EventSource source, Instant at) {
    Order order = require(orderId);
    OrderStatus current = order.status();
    if (report instanceof VenueReport.Filled fill) return applyFill(order, fill, source, at);
    if (report instanceof VenueReport.Acknowledged) {
      if (current != OrderStatus.PENDING_NEW && current != OrderStatus.UNKNOWN
          && current != OrderStatus.RECONCILE_REQUIRED && current != OrderStatus.REJECTED) {
        return ReportOutcome.STALE;
      }
      transition(order, workingStatus(order), source, report.reason(), at);
      return ReportOutcome.APPLIED;
    }
    if (report instanceof VenueReport.CancelRejected) {
      if (current != OrderStatus.PENDING_CANCEL) return ReportOutcome.STALE;
      transition(order, workingStatus(order), source, report.reason(), at);
      return ReportOutcome.APPLIED;
    }
    OrderStatus target = targetOf(report);
    if (current == target) return ReportOutcome.DUPLICATE;
    transition(order, target, source, report.reason(), at);
    return ReportOutcome.APPLIED;
  }

  private static OrderStatus targetOf(VenueReport report) {
    if (report instanceof VenueReport.Rejected) return OrderStatus.REJECTED;
    if (report instanceof VenueReport.Canceled) return OrderStatus.CANCELED;
    if (report instanceof VenueReport.Expired) return OrderStatus.EXPIRED;
    if (report instanceof VenueReport.TimedOut) return OrderStatus.UNKNOWN;
    throw new IllegalArgumentException("unhandled report " + report);
  }

  private static OrderStatus workingStatus(Order order) {
    return order.filledQuantity().signum() == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED;
  }

  private ReportOutcome applyFill(Order order, VenueReport.Filled fill, EventSource source, Instant at) {
    if (appliedExecutions.contains(fill.executionId())) return ReportOutcome.DUPLICATE;
    BigDecimal newFilled = order.filledQuantity().add(fill.quantity());
    int vsQuantity = newFilled.compareTo(order.quantity());
    if (vsQuantity > 0) {
      throw new BourseException(ErrorCode.ORD_INVALID_STATE, "Execution " + fill.executionId() + " of "
          + fill.quantity() + " would overfill order " + order.id() + " (" + order.filledQuantity() + " of "
          + order.quantity() + " filled)");
    }
    OrderStatus target = vsQuantity == 0 ? OrderStatus.FILLED
        : order.status() == OrderStatus.PENDING_CANCEL ? OrderStatus.PENDING_CANCEL : OrderStatus.PARTIALLY_FILLED;
    requireTransition(order, target);

    String currency = currencyByOrder.get(order.id());
    BigDecimal notional = fill.quantity().multiply(fill.price());
    if (order.side() == Side.BUY) {
      ledger.buyFill(order.id(), currency, notional, at);
    } else {
      ledger.sellFill(order.id(), currency, notional, at);
    }
    ledger.fee(order.id(), currency, fill.fee(), at);
    Position before = position(order.symbol());
    Position after = before.apply(order.side(), fill.quantity(), fill.price());
    positions.put(order.symbol(), after);
    // The day's loss is what the account lost, net: realized PnL minus the fees paid for it.
    realizedByDay.merge(utcDay(at), after.realizedPnl().subtract(before.realizedPnl()).subtract(fill.fee()),
        BigDecimal::add);
    appliedExecutions.add(fill.executionId());

    Order filled = order.withFill(fill.quantity(), fill.price(), fill.fee(), target, at);
    orders.put(filled.id(), filled);
    record(filled, order.status(), target, source, fill.reason(), fill, at);
    if (target.isTerminal()) ledger.releaseAll(filled.id(), currency, at);
    return ReportOutcome.APPLIED;
  }

  private Order transition(Order order, OrderStatus target, EventSource source, String reason, Instant at) {
    requireTransition(order, target);
    Order changed = order.withStatus(target, at);
    orders.put(changed.id(), changed);
    record(changed, order.status(), target, source, reason, null, at);
    if (target.isTerminal()) ledger.releaseAll(changed.id(), currencyByOrder.get(changed.id()), at);
    return changed;
  }

  private static void requireTransition(Order order, OrderStatus target) {
    if (!OrderStatus.canTransition(order.status(), target)) {
      throw new BourseException(ErrorCode.ORD_INVALID_STATE,
          "Order " + order.id() + " cannot go from " + order.status() + " to " + target);
    }
  }

  private Order require(String orderId) {
    Order order = orders.get(orderId);
    if (order == null) throw new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "No order " + orderId);
    return order;
  }

  private void record(Order order, OrderStatus from, OrderStatus to, EventSource source, String reason,
      VenueReport.Filled fill, Instant at) {
    List<OrderEvent> history = histories.computeIfAbsent(order.id(), id -> new ArrayList<>());
    history.add(new OrderEvent(order.id(), history.size() + 1L, from, to, source, reason,
        fill == null ? null : fill.executionId(), fill == null ? null : fill.quantity(),
        fill == null ? null : fill.price(), at));
  }

  private static LocalDate utcDay(Instant at) { return LocalDate.ofInstant(at, ZoneOffset.UTC); }
}

package io.bourse.trading.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Random scripts of commands and venue reports — including duplicates, reports out of order, reports for terminal
 * orders, overfills and fills above the reservation — must never break the account's invariants. Refusals are
 * allowed (that is the point) but only with the codes the API promises, and a refusal must change nothing.
 */
class TradingAccountPropertyTest {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
  private static final InstrumentSpec SPEC = new InstrumentSpec("BTC", "USD", new BigDecimal("0.01"),
      new BigDecimal("0.1"), BigDecimal.ZERO, true);
  private static final BigDecimal LAST_PRICE = new BigDecimal("100");
  private static final int ORDER_SLOTS = 3;

  sealed interface Action {}
  record Place(int slot, Side side, boolean market, int lots, int priceCents) implements Action {}
  record Report(int slot, int kind, int execNo, int lots, int priceCents, int feeCents) implements Action {}
  record Cancel(int slot) implements Action {}
  record Flag(int slot) implements Action {}

  @Provide
  Arbitrary<Action> action() {
    Arbitrary<Integer> slot = Arbitraries.integers().between(0, ORDER_SLOTS - 1);
    Arbitrary<Integer> price = Arbitraries.integers().between(9_000, 11_000);
    Arbitrary<Action> place = net.jqwik.api.Combinators.combine(slot, Arbitraries.of(Side.class),
        Arbitraries.of(true, false), Arbitraries.integers().between(5, 30), price).as(Place::new);
    // Kinds 6..11 are fills (half the reports); few execution numbers per order so duplicates are common.
    Arbitrary<Action> report = net.jqwik.api.Combinators.combine(slot, Arbitraries.integers().between(0, 11),
        Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 10), price,
        Arbitraries.integers().between(0, 300)).as(Report::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, place),
        net.jqwik.api.Tuple.of(8, report),
        net.jqwik.api.Tuple.of(2, slot.map(Cancel::new)),
        net.jqwik.api.Tuple.of(1, slot.map(Flag::new)));
  }

  @Property(tries = 300)
  void noScriptBreaksTheInvariants(@ForAll @Size(min = 20, max = 60) List<@net.jqwik.api.From("action") Action> script) {
    TradingAccount account = new TradingAccount("acc", ReservationPolicy.DEFAULT);
    account.deposit("USD", new BigDecimal("20000"), T0);
    Model model = new Model();
    Instant at = T0;
    int refusals = 0;
    for (Action action : script) {
      at = at.plusMillis(250);
      Snapshot before = Snapshot.of(account);
      try {
        step(account, model, action, at);
      } catch (BourseException refused) {
        refusals++;
        assertThat(refused.code()).isIn(ErrorCode.ORD_INVALID_STATE, ErrorCode.ORD_INSUFFICIENT_CAPITAL,
            ErrorCode.CONFLICT_IDEMPOTENCY);
        assertThat(Snapshot.of(account)).as("a refusal changes nothing").isEqualTo(before);
      }
      checkInvariants(account, model);
    }
    // Evidence that the scripts reach the interesting cases, not only empty or trivial ones.
    Statistics.label("fill applied").collect(!model.appliedExecutions.isEmpty());
    Statistics.label("duplicate fill ignored").collect(model.duplicateFills > 0);
    Statistics.label("command or report refused").collect(refusals > 0);
    Statistics.label("fill above its reservation").collect(model.anyFillAboveReservation);
    Statistics.label("fill applied").coverage(c -> c.check(true).percentage(p -> p > 60));
    Statistics.label("duplicate fill ignored").coverage(c -> c.check(true).percentage(p -> p > 20));
    Statistics.label("command or report refused").coverage(c -> c.check(true).percentage(p -> p > 40));
  }

  private static void step(TradingAccount account, Model model, Action action, Instant at) {
    if (action instanceof Place p) {
      BigDecimal quantity = lots(p.lots());
      PlaceOrder command = p.market()
          ? PlaceOrder.market("acc", "BTC", p.side(), quantity, "key-" + p.slot(), EventSource.STRATEGY)
          : PlaceOrder.limit("acc", "BTC", p.side(), quantity, cents(p.priceCents()), "key-" + p.slot(), EventSource.REST);
      account.place(command, SPEC, LAST_PRICE, at);
      return;
    }
    String orderId = ClientOrderIds.derive("acc", "key-" + slotOf(action));
    if (account.order(orderId).isEmpty()) return;
    if (action instanceof Cancel) {
      account.requestCancel(orderId, EventSource.REST, "script", at);
    } else if (action instanceof Flag) {
      account.flagReconcileRequired(orderId, "script", at);
    } else if (action instanceof Report r) {
      VenueReport report = switch (r.kind()) {
        case 0 -> new VenueReport.Acknowledged();
        case 1 -> new VenueReport.Rejected("script");
        case 2 -> new VenueReport.Canceled("script");
        case 3 -> new VenueReport.CancelRejected("script");
        case 4 -> new VenueReport.Expired("script");
        case 5 -> new VenueReport.TimedOut("script");
        default -> new VenueReport.Filled(orderId + "-e" + r.execNo(), lots(r.lots()), cents(r.priceCents()),
            cents(r.feeCents()));
      };
      Order order = account.order(orderId).orElseThrow();
      boolean overrun = report instanceof VenueReport.Filled f && !account.isExecutionApplied(f.executionId())
          && cashNeeded(order, f).compareTo(account.ledger().reservedFor(orderId)) > 0;
      ReportOutcome outcome = account.apply(orderId, report, EventSource.VENUE, at);
      if (report instanceof VenueReport.Filled f) {
        if (outcome == ReportOutcome.APPLIED) model.applied(order, f, overrun);
        if (outcome == ReportOutcome.DUPLICATE) model.duplicateFills++;
      }
    }
  }

  private static BigDecimal cashNeeded(Order order, VenueReport.Filled fill) {
    BigDecimal cost = order.side() == Side.BUY ? fill.quantity().multiply(fill.price()) : BigDecimal.ZERO;
    return cost.add(fill.fee());
  }

  private static int slotOf(Action action) {
    if (action instanceof Report r) return r.slot();
    if (action instanceof Cancel c) return c.slot();
    return ((Flag) action).slot();
  }

  private static void checkInvariants(TradingAccount account, Model model) {
    Ledger ledger = account.ledger();
    assertThat(ledger.sum("USD")).as("books sum to zero").isEqualByComparingTo("0");
    assertThat(ledger.entries().stream().map(LedgerEntry::amount).reduce(BigDecimal.ZERO, BigDecimal::add))
        .as("entries sum to zero").isEqualByComparingTo("0");
    assertThat(ledger.reserved("USD").signum()).as("reserved never negative").isGreaterThanOrEqualTo(0);
    if (!model.anyFillAboveReservation) {
      assertThat(ledger.available("USD").signum()).as("available never negative while fills stay within reservations")
          .isGreaterThanOrEqualTo(0);
    }
    BigDecimal heldByOrders = BigDecimal.ZERO;
    for (Order order : account.orders()) {
      BigDecimal held = ledger.reservedFor(order.id());
      if (order.status().isTerminal()) assertThat(held).as("terminal order holds nothing").isEqualByComparingTo("0");
      heldByOrders = heldByOrders.add(held);
      assertThat(order.filledQuantity()).isLessThanOrEqualTo(order.quantity())
          .isEqualByComparingTo(model.filledByOrder.getOrDefault(order.id(), BigDecimal.ZERO));
      for (OrderEvent event : account.history(order.id())) {
        if (event.from() != null) {
          assertThat(OrderStatus.canTransition(event.from(), event.to())).as("recorded %s -> %s", event.from(),
              event.to()).isTrue();
        }
      }
    }
    assertThat(ledger.reserved("USD")).as("RESERVED is exactly what orders hold").isEqualByComparingTo(heldByOrders);
    assertThat(account.position("BTC").quantity()).as("position == signed sum of fills")
        .isEqualByComparingTo(model.signedFills);
    assertThat(ledger.balance("USD", Book.VENUE)).as("venue cash == sum of fill notionals")
        .isEqualByComparingTo(model.netPaidToVenue);
    assertThat(ledger.balance("USD", Book.FEES)).isEqualByComparingTo(model.fees);
    assertThat(model.appliedExecutions).allSatisfy(id -> assertThat(account.isExecutionApplied(id)).isTrue());
  }

  private static BigDecimal lots(int lots) { return SPEC.lotSize().multiply(BigDecimal.valueOf(lots)); }

  private static BigDecimal cents(int cents) { return BigDecimal.valueOf(cents, 2); }

  /** What the script has had applied, computed independently of the account. */
  private static final class Model {
    final Map<String, BigDecimal> filledByOrder = new HashMap<>();
    final List<String> appliedExecutions = new ArrayList<>();
    BigDecimal signedFills = BigDecimal.ZERO;
    BigDecimal netPaidToVenue = BigDecimal.ZERO;
    BigDecimal fees = BigDecimal.ZERO;
    boolean anyFillAboveReservation;
    int duplicateFills;

    void applied(Order order, VenueReport.Filled fill, boolean aboveReservation) {
      assertThat(appliedExecutions).as("execution applied once").doesNotContain(fill.executionId());
      appliedExecutions.add(fill.executionId());
      filledByOrder.merge(order.id(), fill.quantity(), BigDecimal::add);
      signedFills = signedFills.add(order.side().signed(fill.quantity()));
      BigDecimal notional = fill.quantity().multiply(fill.price());
      netPaidToVenue = netPaidToVenue.add(order.side() == Side.BUY ? notional : notional.negate());
      fees = fees.add(fill.fee());
      anyFillAboveReservation |= aboveReservation;
    }
  }

  /** The observable state a refused command must leave untouched. */
  private record Snapshot(List<Order> orders, int entries, BigDecimal positionQuantity, int events) {
    static Snapshot of(TradingAccount account) {
      int events = account.orders().stream().mapToInt(o -> account.history(o.id()).size()).sum();
      return new Snapshot(List.copyOf(account.orders()), account.ledger().entries().size(),
          account.position("BTC").quantity(), events);
    }
  }
}

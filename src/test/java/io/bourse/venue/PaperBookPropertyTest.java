package io.bourse.venue;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.bourse.venue.VenueExecution.Kind;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the commands, the venue's state obeys its rules, and replaying the journal (through its JSON form) rebuilds
 * exactly the state the live path built: what a restart relies on.
 */
class PaperBookPropertyTest {
  private static final List<String> ACCOUNTS = List.of("a1", "a2");
  private static final String SYMBOL = "BTC-USD";

  sealed interface Command permits Submit, Cancel, Mark {}

  record Submit(VenueOrder order) implements Command {}

  record Cancel(String accountId, String clientOrderId) implements Command {}

  record Mark(BigDecimal price) implements Command {}

  @Provide
  Arbitrary<Command> command() {
    Arbitrary<BigDecimal> price = Arbitraries.integers().between(90, 110).map(BigDecimal::valueOf);
    Arbitrary<String> account = Arbitraries.of(ACCOUNTS);
    Arbitrary<String> coid = Arbitraries.integers().between(1, 12).map(i -> "c" + i);
    Arbitrary<Command> submit = Combinators.combine(account, coid, Arbitraries.of(Side.class),
        Arbitraries.of(OrderType.class), Arbitraries.integers().between(1, 8).map(q -> BigDecimal.valueOf(q, 1)),
        price, price, Arbitraries.of(TimeInForce.class)).as((acc, id, side, type, qty, limit, stop, tif) ->
        new Submit(new VenueOrder(acc, id, SYMBOL, side, type, qty, type == OrderType.MARKET ? null : limit,
            type == OrderType.STOP_LIMIT ? stop : null, tif)));
    Arbitrary<Command> cancel = Combinators.combine(account, coid).as(Cancel::new);
    Arbitrary<Command> mark = price.map(Mark::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, submit), net.jqwik.api.Tuple.of(1, cancel), net.jqwik.api.Tuple.of(4, mark));
  }

  @Property(tries = 300)
  void rulesHoldAndTheJournalReplaysToTheSameState(@ForAll @Size(max = 60) List<@From("command") Command> commands,
      @ForAll("fractions") String fraction, @ForAll("bps") String slippage, @ForAll("bps") String fee) {
    VenueConfig config = VenueTesting.config(slippage, fee, fraction, "0");
    PaperBook live = new PaperBook(config);
    List<JournalEvent> journal = new ArrayList<>();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (Command c : commands) {
      t = t.plusMillis(1);
      PaperBook.Outcome outcome;
      if (c instanceof Submit s) {
        outcome = live.submit(s.order(), null, t);
        if (outcome.created() && s.order().timeInForce() != TimeInForce.GTC
            && s.order().type() != OrderType.STOP_LIMIT) {
          assertThat(outcome.state().status().isOpen()).as("IOC/FOK never rest (but a stop waits for its trigger)")
              .isFalse();
        }
        if (outcome.created() && s.order().timeInForce() == TimeInForce.FOK) {
          BigDecimal filled = outcome.state().filledQuantity();
          assertThat(filled.signum() == 0 || filled.compareTo(s.order().quantity()) == 0).as("FOK: all or none")
              .isTrue();
        }
      } else if (c instanceof Cancel k) {
        outcome = live.cancel(k.accountId(), k.clientOrderId(), t);
        if (outcome == null) continue;
        assertThat(outcome.state().status().isOpen()).isFalse();
      } else {
        outcome = live.mark(SYMBOL, ((Mark) c).price(), t);
      }
      journal.addAll(outcome.events());
    }

    PaperBook replayed = new PaperBook(config);
    for (JournalEvent e : journal) {
      JournalEvent roundTripped = JournalEvent.fromJson(new JsonObject(JournalEvent.toJson(e).encode()));
      assertThat(roundTripped).isEqualTo(e);
      replayed.apply(roundTripped);
    }
    for (String account : ACCOUNTS) {
      assertThat(replayed.orders(account, false)).isEqualTo(live.orders(account, false));
      assertThat(replayed.executions(account, 0, 10_000)).isEqualTo(live.executions(account, 0, 10_000));
      assertThat(replayed.account(account)).isEqualTo(live.account(account));
      checkRules(live, account);
    }
    assertThat(replayed.openOrderCount()).isEqualTo(live.openOrderCount());
  }

  private static void checkRules(PaperBook book, String account) {
    List<VenueExecution> executions = book.executions(account, 0, 10_000).items();
    Map<String, VenueOrderState> orders = new HashMap<>();
    book.orders(account, false).forEach(o -> orders.put(o.clientOrderId(), o));
    Map<String, BigDecimal> filled = new HashMap<>();
    Set<String> executionIds = new HashSet<>();
    Set<String> terminal = new HashSet<>();
    BigDecimal cash = BigDecimal.ZERO;
    BigDecimal position = BigDecimal.ZERO;
    for (int i = 0; i < executions.size(); i++) {
      VenueExecution e = executions.get(i);
      assertThat(e.sequence()).as("gap-free sequence").isEqualTo(i + 1L);
      VenueOrderState order = orders.get(e.clientOrderId());
      assertThat(!terminal.contains(e.clientOrderId()) || e.kind() == Kind.CANCEL_REJECTED)
          .as("nothing after a terminal report but cancel rejections: %s", e).isTrue();
      if (e.kind() == Kind.FILLED) {
        assertThat(executionIds.add(e.executionId())).as("unique execution id").isTrue();
        assertThat(e.fee().signum()).isGreaterThanOrEqualTo(0);
        if (order.price() != null) {
          int cmp = e.price().compareTo(order.price());
          assertThat(order.side() == Side.BUY ? cmp <= 0 : cmp >= 0).as("never beyond the limit").isTrue();
        }
        filled.merge(e.clientOrderId(), e.quantity(), BigDecimal::add);
        BigDecimal notional = e.quantity().multiply(e.price());
        cash = cash.add(order.side() == Side.SELL ? notional : notional.negate()).subtract(e.fee());
        position = position.add(order.side().signed(e.quantity()));
        if (filled.get(e.clientOrderId()).compareTo(order.quantity()) == 0) terminal.add(e.clientOrderId());
      } else if (e.kind() != Kind.ACKNOWLEDGED && e.kind() != Kind.CANCEL_REJECTED) {
        terminal.add(e.clientOrderId());
      }
    }
    for (VenueOrderState o : orders.values()) {
      BigDecimal f = filled.getOrDefault(o.clientOrderId(), BigDecimal.ZERO);
      assertThat(o.filledQuantity()).isEqualByComparingTo(f);
      assertThat(f).isLessThanOrEqualTo(o.quantity());
      assertThat(o.status().isOpen()).isEqualTo(!terminal.contains(o.clientOrderId()));
    }
    VenueAccount a = book.account(account);
    assertThat(a.cash().getOrDefault("USD", BigDecimal.ZERO)).isEqualByComparingTo(cash);
    assertThat(a.positions().getOrDefault(SYMBOL, BigDecimal.ZERO)).isEqualByComparingTo(position);
    assertThat(book.orders(account, true)).allMatch(o -> o.status().isOpen());
  }

  @Provide
  Arbitrary<String> fractions() { return Arbitraries.of("0.25", "0.5", "1"); }

  @Provide
  Arbitrary<String> bps() { return Arbitraries.of("0", "7", "25"); }
}

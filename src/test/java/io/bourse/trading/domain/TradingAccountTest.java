package io.bourse.trading.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TradingAccountTest {
  private static final Instant T = Instant.parse("2026-01-05T10:00:00Z");
  private static final InstrumentSpec BTC = new InstrumentSpec("BTC-USD", "USD", d("0.01"), d("0.001"), d("10"), true);
  private static final ReservationPolicy POLICY = new ReservationPolicy(d("0.001"), d("0.02"));
  private TradingAccount account;

  private static BigDecimal d(String v) { return new BigDecimal(v); }

  @BeforeEach
  void setUp() {
    account = new TradingAccount("acc", POLICY);
    account.deposit("USD", d("100000"), T);
  }

  private Order buyLimit(String key, String qty, String price) {
    return account.place(PlaceOrder.limit("acc", "BTC-USD", Side.BUY, d(qty), d(price), key, EventSource.REST), BTC,
        null, T);
  }

  private ReportOutcome fill(Order order, String execId, String qty, String price, String fee) {
    return account.apply(order.id(), new VenueReport.Filled(execId, d(qty), d(price), d(fee)), EventSource.VENUE, T);
  }

  @Test
  void placingReservesCostPlusFeeEstimateAndIsIdempotentOnTheKey() {
    Order order = buyLimit("k1", "2", "100");
    assertThat(order.status()).isEqualTo(OrderStatus.PENDING_NEW);
    assertThat(order.clientOrderId()).isEqualTo(ClientOrderIds.derive("acc", "k1"));
    assertThat(account.ledger().reserved("USD")).isEqualByComparingTo("200.2");
    assertThat(buyLimit("k1", "2", "100")).isSameAs(order);
    assertThat(account.ledger().reserved("USD")).isEqualByComparingTo("200.2");
    assertThat(account.history(order.id())).singleElement().satisfies(e -> {
      assertThat(e.from()).isNull();
      assertThat(e.to()).isEqualTo(OrderStatus.PENDING_NEW);
      assertThat(e.source()).isEqualTo(EventSource.REST);
    });
  }

  @Test
  void theSameKeyWithOtherTermsIsAConflict() {
    buyLimit("k1", "2", "100");
    assertThatThrownBy(() -> buyLimit("k1", "3", "100"))
        .isInstanceOfSatisfying(BourseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT_IDEMPOTENCY));
    assertThat(buyLimit("k1", "2.0", "100.00").quantity()).isEqualByComparingTo("2");
  }

  @Test
  void marketOrderWithoutAReferencePriceIsRefusedAsStale() {
    assertThatThrownBy(() -> account.place(PlaceOrder.market("acc", "BTC-USD", Side.BUY, d("1"), "m",
        EventSource.STRATEGY), BTC, null, T))
        .isInstanceOfSatisfying(BourseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ORD_STALE_MARKET_DATA));
    assertThat(account.orders()).isEmpty();
  }

  @Test
  void marketBuyReservesAtTheLastPriceWidenedBySlippage() {
    Order order = account.place(PlaceOrder.market("acc", "BTC-USD", Side.BUY, d("1"), "m1", EventSource.STRATEGY),
        BTC, d("100"), T);
    assertThat(account.ledger().reservedFor(order.id())).isEqualByComparingTo("102.102");
  }

  @Test
  void sellReservesOnlyTheFeeEstimate() {
    Order order = account.place(PlaceOrder.limit("acc", "BTC-USD", Side.SELL, d("1"), d("100"), "s1",
        EventSource.REST), BTC, null, T);
    assertThat(account.ledger().reservedFor(order.id())).isEqualByComparingTo("0.1");
  }

  @Test
  void placingBeyondCapitalFailsWithErrOrd003AndLeavesNoOrder() {
    assertThatThrownBy(() -> buyLimit("big", "1000", "100.01"))
        .isInstanceOfSatisfying(BourseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ORD_INSUFFICIENT_CAPITAL));
    assertThat(account.orders()).isEmpty();
  }

  @Test
  void partialThenFullFillMovesCashPositionAndReleasesTheRemainder() {
    Order order = buyLimit("k1", "2", "100");
    account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.VENUE, T);
    assertThat(fill(order, "e1", "1", "99", "0.05")).isEqualTo(ReportOutcome.APPLIED);
    assertThat(account.order(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PARTIALLY_FILLED);
    assertThat(fill(order, "e2", "1", "98", "0.05")).isEqualTo(ReportOutcome.APPLIED);

    Order done = account.order(order.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(done.filledQuantity()).isEqualByComparingTo("2");
    assertThat(done.averagePrice()).isEqualByComparingTo("98.5");
    assertThat(account.position("BTC-USD").quantity()).isEqualByComparingTo("2");
    assertThat(account.ledger().reserved("USD")).isEqualByComparingTo("0");
    assertThat(account.ledger().available("USD")).isEqualByComparingTo("99802.9");
    assertThat(account.ledger().balance("USD", Book.VENUE)).isEqualByComparingTo("197");
    assertThat(account.ledger().sum("USD")).isEqualByComparingTo("0");
    assertThat(account.history(order.id())).extracting(OrderEvent::to).containsExactly(OrderStatus.PENDING_NEW,
        OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED);
  }

  @Test
  void duplicateExecutionIsANoOp() {
    Order order = buyLimit("k1", "2", "100");
    fill(order, "e1", "1", "100", "0");
    BigDecimal available = account.ledger().available("USD");
    assertThat(fill(order, "e1", "1", "100", "0")).isEqualTo(ReportOutcome.DUPLICATE);
    assertThat(account.position("BTC-USD").quantity()).isEqualByComparingTo("1");
    assertThat(account.ledger().available("USD")).isEqualByComparingTo(available);
    assertThat(account.history(order.id())).hasSize(2);
  }

  @Test
  void overfillIsRefusedWithErrOrd006() {
    Order order = buyLimit("k1", "1", "100");
    assertThatThrownBy(() -> fill(order, "e1", "1.5", "100", "0"))
        .isInstanceOfSatisfying(BourseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ORD_INVALID_STATE));
    assertThat(account.isExecutionApplied("e1")).isFalse();
  }

  @Test
  void cancelReleasesTheReservationAndIsRecordedWithItsSource() {
    Order order = buyLimit("k1", "1", "100");
    account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.VENUE, T);
    account.requestCancel(order.id(), EventSource.REST, "user asked", T);
    assertThat(account.apply(order.id(), new VenueReport.Canceled("canceled by venue"), EventSource.VENUE, T))
        .isEqualTo(ReportOutcome.APPLIED);
    assertThat(account.ledger().reserved("USD")).isEqualByComparingTo("0");
    assertThat(account.ledger().available("USD")).isEqualByComparingTo("100000");
    assertThat(account.history(order.id())).extracting(OrderEvent::source)
        .containsExactly(EventSource.REST, EventSource.VENUE, EventSource.REST, EventSource.VENUE);
    assertThat(account.apply(order.id(), new VenueReport.Canceled("again"), EventSource.VENUE, T))
        .isEqualTo(ReportOutcome.DUPLICATE);
  }

  @Test
  void fillWhileCancelPendingWinsAndTheLateCancelRejectIsStale() {
    Order order = buyLimit("k1", "1", "100");
    account.requestCancel(order.id(), EventSource.REST, "user", T);
    fill(order, "e1", "0.4", "100", "0");
    assertThat(account.order(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING_CANCEL);
    fill(order, "e2", "0.6", "100", "0");
    assertThat(account.order(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
    assertThat(account.apply(order.id(), new VenueReport.CancelRejected("too late to cancel"), EventSource.VENUE, T))
        .isEqualTo(ReportOutcome.STALE);
  }

  @Test
  void cancelRejectReturnsToTheWorkingStatus() {
    Order order = buyLimit("k1", "1", "100");
    fill(order, "e1", "0.5", "100", "0");
    account.requestCancel(order.id(), EventSource.REST, "user", T);
    account.apply(order.id(), new VenueReport.CancelRejected("venue busy"), EventSource.VENUE, T);
    assertThat(account.order(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PARTIALLY_FILLED);
  }

  @Test
  void timeoutMakesTheOrderUnknownUntilTheVenueOrReconciliationSpeaks() {
    Order order = buyLimit("k1", "1", "100");
    account.apply(order.id(), new VenueReport.TimedOut("no answer in 2s"), EventSource.VENUE, T);
    assertThat(account.order(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.UNKNOWN);
    assertThat(account.ledger().reservedFor(order.id())).isPositive();
    account.flagReconcileRequired(order.id(), "venue query failed", T);
    account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.RECONCILIATION, T);
    assertThat(account.order(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.NEW);
  }

  @Test
  void illegalTransitionsAreRefusedWithErrOrd006AndChangeNothing() {
    Order order = buyLimit("k1", "1", "100");
    account.apply(order.id(), new VenueReport.Acknowledged(), EventSource.VENUE, T);
    assertThatThrownBy(() -> account.apply(order.id(), new VenueReport.Rejected("late"), EventSource.VENUE, T))
        .isInstanceOfSatisfying(BourseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ORD_INVALID_STATE));
    account.apply(order.id(), new VenueReport.Expired("day end"), EventSource.VENUE, T);
    assertThatThrownBy(() -> account.requestCancel(order.id(), EventSource.REST, "user", T))
        .isInstanceOfSatisfying(BourseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ORD_INVALID_STATE));
    assertThatThrownBy(() -> fill(order, "e9", "1", "100", "0")).isInstanceOf(BourseException.class);
    assertThat(account.order(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(account.position("BTC-USD").quantity()).isEqualByComparingTo("0");
  }

  @Test
  void realizedPnlNetOfFeesCountsTowardTodaysPnl() {
    Order buy = buyLimit("b", "1", "100");
    fill(buy, "e1", "1", "100", "0");
    Order sell = account.place(PlaceOrder.limit("acc", "BTC-USD", Side.SELL, d("1"), d("90"), "s", EventSource.REST),
        BTC, null, T);
    fill(sell, "e2", "1", "90", "0.5");
    assertThat(account.dailyPnl(T, s -> d("95"))).as("realized -10 and the 0.5 fee").isEqualByComparingTo("-10.5");
    assertThat(account.dailyPnl(T.plusSeconds(86400), s -> d("95"))).isEqualByComparingTo("0");
  }

  @Test
  void orderRateWindowForgetsPlacementsOlderThanAMinute() {
    buyLimit("a", "0.1", "100");
    assertThat(account.ordersPlacedInLastMinute(T.plusSeconds(59))).isEqualTo(1);
    assertThat(account.ordersPlacedInLastMinute(T.plusSeconds(60))).isZero();
  }
}

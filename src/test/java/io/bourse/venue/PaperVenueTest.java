package io.bourse.venue;

import static io.bourse.venue.VenueTesting.ACC;
import static io.bourse.venue.VenueTesting.assertState;
import static io.bourse.venue.VenueTesting.BTC;
import static io.bourse.venue.VenueTesting.await;
import static io.bourse.venue.VenueTesting.collect;
import static io.bourse.venue.VenueTesting.config;
import static io.bourse.venue.VenueTesting.d;
import static io.bourse.venue.VenueTesting.eventually;
import static io.bourse.venue.VenueTesting.failure;
import static io.bourse.venue.VenueTesting.kinds;
import static io.bourse.venue.VenueTesting.limit;
import static io.bourse.venue.VenueTesting.market;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.ErrorCode;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.bourse.venue.VenueExecution.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.bourse.support.BlockedThreadWatch;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The paper venue through {@link VenueClient}: real HTTP and WebSocket on a loopback port, a real journal. */
@ExtendWith(VertxExtension.class)
class PaperVenueTest {
  @TempDir
  Path dataDir;

  private RunningVenue running;

  private Venue start(Vertx vertx, VenueConfig config) {
    running = await(PaperVenue.startInProcess(vertx, config, dataDir));
    return running.venue();
  }

  /** Starts a venue that already has a mark price for BTC-USD. */
  private Venue start(Vertx vertx, VenueConfig config, String btcMark) {
    Venue venue = start(vertx, config);
    mark(vertx, btcMark);
    return venue;
  }

  @AfterEach
  void stop() {
    if (running != null) await(running.close());
  }

  private void mark(Vertx vertx, String price) {
    VenueTesting.mark(vertx, running.url(), BTC, price);
  }

  /** Sets a mark, then looks one order up: what a mark did to it. */
  private VenueOrderState afterMark(Vertx vertx, Venue venue, String price, String clientOrderId) {
    mark(vertx, price);
    return await(venue.lookup(ACC, clientOrderId));
  }

  @Test
  void marketOrdersFillAtTheMarkMovedAgainstTheTakerAndPayFees(Vertx vertx) {
    Venue venue = start(vertx, config("10", "10", "1", "0"), "100");
    List<VenueExecution> stream = collect(venue);

    VenueOrderState buy = await(venue.submit(market("b1", Side.BUY, "2", TimeInForce.GTC)));
    assertThat(buy.status()).isEqualTo(VenueOrderStatus.FILLED);
    assertThat(buy.venueOrderId()).isNotBlank();
    assertThat(buy.filledQuantity()).isEqualByComparingTo("2");
    assertThat(buy.averagePrice()).isEqualByComparingTo("100.1"); // 100 + 10 bps against the buyer

    VenueOrderState sell = await(venue.submit(market("s1", Side.SELL, "1", TimeInForce.GTC)));
    assertThat(sell.averagePrice()).isEqualByComparingTo("99.9"); // 100 - 10 bps against the seller

    eventually("4 reports on the stream", () -> stream.size() == 4);
    assertThat(stream).extracting(VenueExecution::sequence).containsExactly(1L, 2L, 3L, 4L);
    assertThat(kinds(stream, "b1")).containsExactly(Kind.ACKNOWLEDGED, Kind.FILLED);
    VenueExecution fill = stream.get(1);
    assertThat(fill.executionId()).isNotBlank();
    assertThat(fill.quantity()).isEqualByComparingTo("2");
    assertThat(fill.price()).isEqualByComparingTo("100.1");
    assertThat(fill.fee()).isEqualByComparingTo("0.2002"); // 200.2 notional × 10 bps
    assertThat(stream.get(3).fee()).isEqualByComparingTo("0.0999");
    assertThat(fill.toReport()).isInstanceOf(io.bourse.trading.domain.VenueReport.Filled.class);

    VenueAccount account = await(venue.account(ACC));
    assertThat(account.positions().get(BTC)).isEqualByComparingTo("1");
    // -200.2 - 0.2002 + 99.9 - 0.0999, exactly
    assertThat(account.cash().get("USD")).isEqualByComparingTo("-100.6001");
  }

  @Test
  void aMarketOrderWithoutAPriceIsRejectedWithAReason(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "0"));
    VenueOrderState state = await(venue.submit(market("m1", Side.BUY, "1", TimeInForce.GTC)));
    assertThat(state.status()).isEqualTo(VenueOrderStatus.REJECTED);
    assertThat(state.reason()).contains("no mark price", BTC);
    assertThat(await(venue.executions(ACC, 0, 10)).items()).extracting(VenueExecution::kind)
        .containsExactly(Kind.REJECTED);
  }

  @Test
  void limitOrdersRestUntilAMarkCrossesThemAndMarkPricesTravelOverTheStream(Vertx vertx) {
    Venue venue = start(vertx, config("10", "0", "1", "0"), "100");
    List<VenueExecution> stream = collect(venue);
    VenueOrderState placed = await(venue.submit(limit("l1", Side.BUY, "1", "95", TimeInForce.GTC)));
    assertThat(placed.status()).isEqualTo(VenueOrderStatus.NEW);
    assertThat(placed.price()).isEqualByComparingTo("95");

    mark(vertx, "96");
    assertThat(await(venue.lookup(ACC, "l1")).status()).isEqualTo(VenueOrderStatus.NEW);
    assertThat(await(venue.openOrders(ACC))).extracting(VenueOrderState::clientOrderId).containsExactly("l1");

    venue.markPrice(BTC, d("94.5"), Instant.now());
    eventually("the fill", () -> kinds(stream, "l1").contains(Kind.FILLED));
    VenueOrderState filled = await(venue.lookup(ACC, "l1"));
    assertThat(filled.status()).isEqualTo(VenueOrderStatus.FILLED);
    assertThat(filled.averagePrice()).as("a resting order fills at its limit").isEqualByComparingTo("95");
    assertThat(await(venue.openOrders(ACC))).isEmpty();

    // A marketable limit order is a taker: the slipped mark, but never beyond its limit.
    assertThat(await(venue.submit(limit("l2", Side.BUY, "1", "94.55", TimeInForce.GTC))).averagePrice())
        .isEqualByComparingTo("94.55");
    assertThat(await(venue.submit(limit("l3", Side.BUY, "1", "100", TimeInForce.GTC))).averagePrice())
        .isEqualByComparingTo("94.5945");
  }

  @Test
  void stopLimitOrdersTriggerWhenTheStopIsCrossedThenWorkAsLimitOrders(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "0"), "100");
    VenueOrder stopBuy = new VenueOrder(ACC, "st1", BTC, Side.BUY, OrderType.STOP_LIMIT, d("1"), d("106"), d("105"),
        TimeInForce.GTC);
    VenueOrder stopSell = new VenueOrder(ACC, "st2", BTC, Side.SELL, OrderType.STOP_LIMIT, d("1"), d("97"), d("98"),
        TimeInForce.GTC);
    assertThat(await(venue.submit(stopBuy)).status()).isEqualTo(VenueOrderStatus.NEW);
    assertThat(await(venue.submit(stopSell)).status()).isEqualTo(VenueOrderStatus.NEW);

    assertThat(afterMark(vertx, venue, "104.9", "st1").status()).isEqualTo(VenueOrderStatus.NEW);
    VenueOrderState bought = afterMark(vertx, venue, "105.5", "st1");
    assertThat(bought.status()).isEqualTo(VenueOrderStatus.FILLED);
    assertThat(bought.averagePrice()).isEqualByComparingTo("105.5");

    // The sell stop triggers at 96 but its limit (97) is above the mark: it rests as a limit order.
    assertThat(afterMark(vertx, venue, "96", "st2").status()).isEqualTo(VenueOrderStatus.NEW);
    VenueOrderState sold = afterMark(vertx, venue, "97.2", "st2");
    assertThat(sold.status()).isEqualTo(VenueOrderStatus.FILLED);
    assertThat(sold.averagePrice()).isEqualByComparingTo("97");
  }

  @Test
  void partialFillsHappenOnePriceUpdateAtATime(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "0.25", "0"), "100");
    VenueOrderState first = await(venue.submit(market("p1", Side.BUY, "1", TimeInForce.GTC)));
    assertState(first, VenueOrderStatus.PARTIALLY_FILLED, "0.25");
    mark(vertx, "101");
    assertThat(afterMark(vertx, venue, "102", "p1").status()).isEqualTo(VenueOrderStatus.PARTIALLY_FILLED);
    VenueOrderState done = afterMark(vertx, venue, "103", "p1");
    assertState(done, VenueOrderStatus.FILLED, "1");
    assertThat(done.averagePrice()).isEqualByComparingTo("101.5");

    List<VenueExecution> fills = await(venue.executions(ACC, 0, 100)).items().stream()
        .filter(e -> e.kind() == Kind.FILLED).toList();
    assertThat(fills).hasSize(4);
    assertThat(fills).extracting(VenueExecution::executionId).doesNotHaveDuplicates();
    assertThat(fills).extracting(VenueExecution::price).map(BigDecimal::toPlainString)
        .containsExactly("100", "101", "102", "103");
  }

  @Test
  void iocFillsWhatItCanAndExpiresTheRestFokFillsInFullOrNotAtAll(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "0.5", "0"), "100");
    VenueOrderState ioc = await(venue.submit(market("ioc", Side.BUY, "1", TimeInForce.IOC)));
    assertState(ioc, VenueOrderStatus.EXPIRED, "0.5");
    assertThat(ioc.reason()).contains("IOC");

    VenueOrderState iocLimit = await(venue.submit(limit("ioc2", Side.BUY, "1", "90", TimeInForce.IOC)));
    assertState(iocLimit, VenueOrderStatus.EXPIRED, "0");

    VenueOrderState fok = await(venue.submit(market("fok", Side.BUY, "1", TimeInForce.FOK)));
    assertThat(fok.status()).as("only half the quantity is available").isEqualTo(VenueOrderStatus.EXPIRED);
    assertThat(fok.filledQuantity()).isEqualByComparingTo("0");
    assertThat(kinds(await(venue.executions(ACC, 0, 100)).items(), "fok"))
        .containsExactly(Kind.ACKNOWLEDGED, Kind.EXPIRED);

    // A marketable FOK limit order expires too when a price update offers less than all of it (0.25 of 0.5).
    VenueOrderState fokSmall = await(venue.submit(new VenueOrder(ACC, "fok2", BTC, Side.SELL, OrderType.LIMIT,
        d("0.5"), d("99"), null, TimeInForce.FOK)));
    assertThat(fokSmall.status()).isEqualTo(VenueOrderStatus.EXPIRED);
    assertThat(await(venue.openOrders(ACC))).isEmpty();
  }

  @Test
  void fokFillsInFullWhenTheLiquidityIsThere(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "1"), "100");
    assertThat(await(venue.submit(market("f1", Side.BUY, "2", TimeInForce.FOK))).status())
        .as("at most 1 per price update").isEqualTo(VenueOrderStatus.EXPIRED);
    VenueOrderState filled = await(venue.submit(market("f2", Side.BUY, "1", TimeInForce.FOK)));
    assertState(filled, VenueOrderStatus.FILLED, "1");
    assertThat(await(venue.account(ACC)).positions()).isEqualTo(Map.of(BTC, d("1")));
  }

  @Test
  void aRepeatedClientOrderIdReturnsTheSameOrderEvenWhenTwoSubmitsRace(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "0"), "100");
    VenueOrder order = limit("dup", Side.BUY, "1", "90", TimeInForce.GTC);
    VenueOrderState first = await(venue.submit(order));
    VenueOrderState again = await(venue.submit(order));
    assertThat(again.venueOrderId()).isEqualTo(first.venueOrderId());
    assertThat(again.status()).isEqualTo(VenueOrderStatus.NEW);

    VenueOrder racing = limit("race", Side.BUY, "1", "91", TimeInForce.GTC);
    List<Future<VenueOrderState>> both = List.of(venue.submit(racing), venue.submit(racing), venue.submit(racing));
    await(Future.all(both));
    assertThat(both).extracting(f -> f.result().venueOrderId()).containsOnly(both.get(0).result().venueOrderId());

    assertThat(await(venue.openOrders(ACC))).extracting(VenueOrderState::clientOrderId).containsExactly("dup", "race");
    assertThat(await(venue.executions(ACC, 0, 100)).items()).extracting(VenueExecution::kind)
        .containsExactly(Kind.ACKNOWLEDGED, Kind.ACKNOWLEDGED);
  }

  @Test
  void cancelEndsAnOpenOrderAndLeavesAFilledOneFilled(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "0"), "100");
    List<VenueExecution> stream = collect(venue);
    await(venue.submit(limit("open", Side.SELL, "1", "110", TimeInForce.GTC)));
    VenueOrderState canceled = await(venue.cancel(ACC, "open"));
    assertThat(canceled.status()).isEqualTo(VenueOrderStatus.CANCELED);
    assertThat(await(venue.cancel(ACC, "open")).status()).as("a repeat is harmless").isEqualTo(VenueOrderStatus.CANCELED);
    mark(vertx, "111");
    assertThat(await(venue.lookup(ACC, "open")).filledQuantity()).isEqualByComparingTo("0");

    await(venue.submit(market("done", Side.BUY, "1", TimeInForce.GTC)));
    VenueOrderState stillFilled = await(venue.cancel(ACC, "done"));
    assertThat(stillFilled.status()).isEqualTo(VenueOrderStatus.FILLED);
    eventually("the cancel reports", () -> kinds(stream, "done").contains(Kind.CANCEL_REJECTED));
    assertThat(kinds(stream, "open")).containsExactly(Kind.ACKNOWLEDGED, Kind.CANCELED);

    assertThat(failure(venue.cancel(ACC, "never")).code()).isEqualTo(ErrorCode.NOT_FOUND_RESOURCE);
  }

  @Test
  void lookupOfAnUnknownOrderIsNull(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "0"));
    assertThat(await(venue.lookup(ACC, "nope"))).isNull();
    assertThat(await(venue.lookup("other-account", "nope"))).isNull();
    assertThat(await(venue.openOrders(ACC))).isEmpty();
    assertThat(await(venue.account(ACC)).positions()).isEmpty();
  }

  @Test
  void executionsPageBySequenceWithoutGaps(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "0"), "100");
    await(venue.submit(market("e1", Side.BUY, "1", TimeInForce.GTC)));  // 1 ack, 2 fill
    await(venue.submit(market("e2", Side.SELL, "1", TimeInForce.GTC))); // 3 ack, 4 fill
    await(venue.submit(limit("e3", Side.BUY, "1", "1", TimeInForce.GTC))); // 5 ack
    await(venue.submit(new VenueOrder("acc-2", "x1", BTC, Side.BUY, OrderType.MARKET, d("1"), null, null,
        TimeInForce.GTC))); // another account: its own sequence

    ExecutionPage p1 = await(venue.executions(ACC, 0, 2));
    assertThat(p1.items()).extracting(VenueExecution::sequence).containsExactly(1L, 2L);
    assertThat(p1.lastSequence()).isEqualTo(2);
    assertThat(p1.more()).isTrue();
    ExecutionPage p2 = await(venue.executions(ACC, p1.lastSequence(), 2));
    assertThat(p2.items()).extracting(VenueExecution::sequence).containsExactly(3L, 4L);
    ExecutionPage p3 = await(venue.executions(ACC, p2.lastSequence(), 2));
    assertThat(p3.items()).extracting(VenueExecution::sequence).containsExactly(5L);
    assertThat(p3.more()).isFalse();
    ExecutionPage p4 = await(venue.executions(ACC, 5, 2));
    assertThat(p4.items()).isEmpty();
    assertThat(p4.lastSequence()).isEqualTo(5);
    assertThat(p4.more()).isFalse();

    assertThat(await(venue.executions("acc-2", 0, 10)).items()).extracting(VenueExecution::sequence)
        .containsExactly(1L, 2L);
    assertThat(await(venue.account("acc-2")).cash()).isEqualTo(Map.of("USD", d("-100")));
  }

  @Test
  void requestsCompleteOnTheCallersContext(Vertx vertx) {
    Venue venue = start(vertx, config("0", "0", "1", "0"));
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> same = Promise.promise();
    context.runOnContext(v -> venue.lookup(ACC, "x")
        .onComplete(r -> same.complete(Vertx.currentContext() == context)));
    assertThat(await(same.future())).isTrue();

    List<Context> seenOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    Promise<Void> registered = Promise.promise();
    context.runOnContext(v -> {
      venue.reports(e -> seenOn.add(Vertx.currentContext()));
      registered.complete();
    });
    await(registered.future());
    mark(vertx, "100");
    await(venue.submit(market("c1", Side.BUY, "1", TimeInForce.GTC)));
    eventually("reports", () -> seenOn.size() == 2);
    assertThat(seenOn).containsOnly(context);
  }

  @Test
  void nothingBlocksAnEventLoop() throws Exception {
    try (BlockedThreadWatch watch = new BlockedThreadWatch()) {
      Vertx vertx = watch.vertx();
      Venue venue = start(vertx, config("1", "1", "0.5", "0"), "100");
      List<Future<VenueOrderState>> submits = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        submits.add(venue.submit(i % 2 == 0 ? market("n" + i, Side.BUY, "1", TimeInForce.GTC)
            : limit("n" + i, Side.SELL, "1", "101", TimeInForce.GTC)));
      }
      await(Future.all(submits));
      mark(vertx, "102");
      assertThat(await(venue.openOrders(ACC))).hasSize(100);
      assertThat(await(running.client().health()).getString("status")).isEqualTo("healthy");
      await(running.close());
      running = null;
      assertThat(watch.blockedWarnings()).isEmpty();
    }
  }
}

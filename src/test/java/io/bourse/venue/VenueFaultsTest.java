package io.bourse.venue;

import static io.bourse.venue.VenueTesting.ACC;
import static io.bourse.venue.VenueTesting.BTC;
import static io.bourse.venue.VenueTesting.await;
import static io.bourse.venue.VenueTesting.collect;
import static io.bourse.venue.VenueTesting.eventually;
import static io.bourse.venue.VenueTesting.failure;
import static io.bourse.venue.VenueTesting.kinds;
import static io.bourse.venue.VenueTesting.limit;
import static io.bourse.venue.VenueTesting.market;
import static io.bourse.venue.VenueTesting.withTimeout;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.support.FreePorts;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Injected faults, and the codes the client turns them into: what reconciliation will be built against. */
@ExtendWith(VertxExtension.class)
class VenueFaultsTest {
  private static final VenueConfig.Faults NONE = VenueConfig.Faults.none();

  @TempDir
  Path dataDir;

  private RunningVenue running;

  private Venue start(Vertx vertx, VenueConfig.Faults faults, long requestTimeoutMs) {
    VenueConfig config = withTimeout(VenueConfig.defaults().withFaults(faults), requestTimeoutMs);
    running = await(PaperVenue.startInProcess(vertx, config, dataDir));
    VenueTesting.mark(vertx, running.url(), BTC, "100");
    return running.venue();
  }

  @AfterEach
  void stop() {
    if (running != null) await(running.close());
  }

  @Test
  void aSubmitThatTimesOutFailsWithExt001ButTheOrderExistsAtTheVenue(Vertx vertx) {
    Venue venue = start(vertx, new VenueConfig.Faults(0, 0, 0, 0, 1, 0, 0), 1_000);
    BourseException e = failure(venue.submit(limit("t1", Side.BUY, "1", "90", TimeInForce.GTC)));
    assertThat(e.code()).isEqualTo(ErrorCode.EXT_VENUE_TIMEOUT);
    assertThat(e.getMessage()).contains("outcome is unknown");

    VenueOrderState found = await(venue.lookup(ACC, "t1"));
    assertThat(found).as("query before resubmitting: the order is there").isNotNull();
    assertThat(found.status()).isEqualTo(VenueOrderStatus.NEW);

    await(running.server().faults(NONE));
    VenueOrderState resubmitted = await(venue.submit(limit("t1", Side.BUY, "1", "90", TimeInForce.GTC)));
    assertThat(resubmitted.venueOrderId()).isEqualTo(found.venueOrderId());
    assertThat(await(venue.openOrders(ACC))).hasSize(1);
  }

  @Test
  void aDroppedAckIsAnUnknownOutcomeToo(Vertx vertx) {
    Venue venue = start(vertx, new VenueConfig.Faults(0, 0, 0, 1, 0, 0, 0), 2_000);
    assertThat(failure(venue.submit(market("d1", Side.BUY, "1", TimeInForce.GTC))).code())
        .isEqualTo(ErrorCode.EXT_VENUE_TIMEOUT);
    assertThat(await(venue.lookup(ACC, "d1")).status()).isEqualTo(VenueOrderStatus.FILLED);
    assertThat(failure(venue.cancel(ACC, "d1")).code()).isEqualTo(ErrorCode.EXT_VENUE_TIMEOUT);
  }

  @Test
  void aSubmitOrCancelWhoseAnswerIsGarbledOrCutIsUnknownNotRejected(Vertx vertx) {
    // A "venue" that acts on requests but answers a 2xx nobody can read, and one that resets the connection once it
    // has read the request: in both cases the venue may have the order, so the outcome is unknown (EXT_001).
    io.vertx.core.http.HttpServer garbled = await(vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> req.response().setStatusCode(201).end("accepted!")))
        .listen(0, "127.0.0.1"));
    io.vertx.core.net.NetServer resetting = await(vertx.createNetServer()
        .connectHandler(socket -> socket.handler(bytes -> socket.close())).listen(0, "127.0.0.1"));
    VenueConfig.Client client = withTimeout(VenueConfig.defaults(), 2_000).client();
    for (int port : new int[] {garbled.actualPort(), resetting.actualPort()}) {
      VenueClient venue = VenueClient.create(vertx, "http://127.0.0.1:" + port, client);
      try {
        assertThat(failure(venue.submit(market("g1", Side.BUY, "1", TimeInForce.GTC))).code()).as("submit via %d", port)
            .isEqualTo(ErrorCode.EXT_VENUE_TIMEOUT);
        assertThat(failure(venue.cancel(ACC, "g1")).code()).as("cancel via %d", port).isEqualTo(ErrorCode.EXT_VENUE_TIMEOUT);
      } finally {
        await(venue.close());
      }
    }
    await(garbled.close());
    await(resetting.close());
  }

  @Test
  void aVenueThatIsNotThereFailsWithExt002(Vertx vertx) {
    int port = FreePorts.next();
    VenueClient client = VenueClient.create(vertx, "http://127.0.0.1:" + port,
        withTimeout(VenueConfig.defaults(), 2_000).client());
    try {
      BourseException e = failure(client.submit(market("r1", Side.BUY, "1", TimeInForce.GTC)));
      assertThat(e.code()).isEqualTo(ErrorCode.EXT_VENUE_UNAVAILABLE);
      assertThat(e.getMessage()).contains("unreachable", "not sent");
      assertThat(failure(client.lookup(ACC, "r1")).code()).isEqualTo(ErrorCode.EXT_VENUE_UNAVAILABLE);
      assertThat(client.connected()).isFalse();
      client.markPrice(BTC, VenueTesting.d("1"), java.time.Instant.now()); // dropped silently
    } finally {
      await(client.close());
    }
  }

  @Test
  void rejectionsQuotaAndDelaysByConfig(Vertx vertx) {
    Venue venue = start(vertx, new VenueConfig.Faults(1, 0, 0, 0, 0, 0, 0), 2_000);
    VenueOrderState rejected = await(venue.submit(market("x1", Side.BUY, "1", TimeInForce.GTC)));
    assertThat(rejected.status()).isEqualTo(VenueOrderStatus.REJECTED);
    assertThat(rejected.reason()).contains("fault injection");

    await(running.server().faults(new VenueConfig.Faults(0, 1, 0, 0, 0, 0, 0)));
    assertThat(failure(venue.submit(market("x2", Side.BUY, "1", TimeInForce.GTC))).code())
        .isEqualTo(ErrorCode.EXT_VENUE_QUOTA);
    assertThat(await(venue.lookup(ACC, "x2"))).as("a quota refusal creates nothing").isNull();

    await(running.server().faults(new VenueConfig.Faults(0, 0, 400, 0, 0, 0, 0)));
    long t0 = System.nanoTime();
    assertThat(await(venue.submit(market("x3", Side.BUY, "1", TimeInForce.GTC))).status())
        .isEqualTo(VenueOrderStatus.FILLED);
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ack delayed").isGreaterThanOrEqualTo(400);
  }

  @Test
  void latencyDelaysSubmitsAndCancels(Vertx vertx) {
    VenueConfig config = VenueTesting.config("0", "0", "1", "0");
    config = config.withMatching(new VenueConfig.Matching(config.matching().slippageBps(),
        config.matching().feeBps(), 300, config.matching().maxFillFraction(), config.matching().maxFillQuantity(),
        "USD"));
    running = await(PaperVenue.startInProcess(vertx, config, dataDir));
    long t0 = System.nanoTime();
    await(running.venue().submit(limit("lat", Side.BUY, "1", "1", TimeInForce.GTC)));
    await(running.venue().cancel(ACC, "lat"));
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(600);

    await(running.venue().submit(limit("lat2", Side.BUY, "1", "100", TimeInForce.GTC)));
    long t1 = System.nanoTime();
    VenueTesting.mark(vertx, running.url(), BTC, "99"); // answers once the mark reached the book
    assertThat((System.nanoTime() - t1) / 1_000_000).as("fills lag the mark").isGreaterThanOrEqualTo(300);
    assertThat(await(running.venue().lookup(ACC, "lat2")).status()).isEqualTo(VenueOrderStatus.FILLED);
  }

  @Test
  void droppedStreamMessagesAreStillInTheJournal(Vertx vertx) {
    Venue venue = start(vertx, new VenueConfig.Faults(0, 0, 0, 0, 0, 1, 0), 2_000);
    List<VenueExecution> stream = collect(venue);
    await(venue.submit(market("s1", Side.BUY, "1", TimeInForce.GTC)));
    await(running.server().faults(NONE));
    await(venue.submit(market("s2", Side.BUY, "1", TimeInForce.GTC)));
    eventually("s2's reports", () -> kinds(stream, "s2").size() == 2);
    assertThat(kinds(stream, "s1")).isEmpty();
    assertThat(kinds(await(venue.executions(ACC, 0, 10)).items(), "s1"))
        .containsExactly(VenueExecution.Kind.ACKNOWLEDGED, VenueExecution.Kind.FILLED);
  }

  @Test
  void theStreamReconnectsWithBackoffAndSaysSo(Vertx vertx) {
    int port = FreePorts.next();
    VenueConfig config = withTimeout(VenueConfig.defaults().withPort(port), 2_000);
    PaperVenueServer first = new PaperVenueServer(config, dataDir.resolve("venue"));
    String firstId = await(vertx.deployVerticle(first));
    VenueClient client = VenueClient.create(vertx, "http://127.0.0.1:" + port, config.client());
    try {
      await(client.firstConnect());
      AtomicInteger reconnects = new AtomicInteger();
      client.onReconnect(v -> reconnects.incrementAndGet());
      List<VenueExecution> stream = collect(client);
      assertThat(client.connected()).isTrue();

      await(vertx.undeploy(firstId));
      eventually("the client to notice", () -> !client.connected());
      assertThat(failure(client.lookup(ACC, "z")).code()).isEqualTo(ErrorCode.EXT_VENUE_UNAVAILABLE);

      PaperVenueServer second = new PaperVenueServer(config, dataDir.resolve("venue"));
      await(vertx.deployVerticle(second));
      eventually("the stream to come back", client::connected);
      eventually("onReconnect", () -> reconnects.get() == 1);

      assertThat(await(client.submit(limit("after", Side.BUY, "1", "100", TimeInForce.GTC))).status())
          .isEqualTo(VenueOrderStatus.NEW);
      client.markPrice(BTC, VenueTesting.d("99"), java.time.Instant.now());
      eventually("reports after the reconnect", () -> kinds(stream, "after").contains(VenueExecution.Kind.FILLED));
      assertThat(kinds(stream, "after")).containsExactly(VenueExecution.Kind.ACKNOWLEDGED, VenueExecution.Kind.FILLED);
    } finally {
      await(client.close());
    }
  }
}

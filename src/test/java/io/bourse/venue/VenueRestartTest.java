package io.bourse.venue;

import static io.bourse.venue.VenueTesting.ACC;
import static io.bourse.venue.VenueTesting.BTC;
import static io.bourse.venue.VenueTesting.await;
import static io.bourse.venue.VenueTesting.config;
import static io.bourse.venue.VenueTesting.limit;
import static io.bourse.venue.VenueTesting.market;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A venue restarted on the same data directory holds exactly what it acknowledged, and never duplicates. */
@ExtendWith(VertxExtension.class)
class VenueRestartTest {
  private static final VenueConfig CONFIG = config("5", "10", "0.5", "0");

  @TempDir
  Path dataDir;

  /** What a client can see of a venue's state for one account. */
  private record Snapshot(List<VenueOrderState> open, List<VenueOrderState> all, VenueAccount account,
                          ExecutionPage executions) {}

  private Snapshot snapshot(Vertx vertx, RunningVenue running) {
    Venue venue = running.venue();
    List<VenueOrderState> all = List.of(await(venue.lookup(ACC, "filled")), await(venue.lookup(ACC, "partial")),
        await(venue.lookup(ACC, "resting")), await(venue.lookup(ACC, "stop")), await(venue.lookup(ACC, "canceled")));
    return new Snapshot(await(venue.openOrders(ACC)), all, await(venue.account(ACC)),
        await(venue.executions(ACC, 0, 1000)));
  }

  @Test
  void aRestartedVenueHasEverythingAndDuplicatesNothing(Vertx vertx) {
    RunningVenue first = await(PaperVenue.startInProcess(vertx, CONFIG, dataDir));
    VenueTesting.mark(vertx, first.url(), BTC, "100");
    Venue venue = first.venue();
    await(venue.submit(market("filled", Side.BUY, "1", TimeInForce.GTC)));
    VenueTesting.mark(vertx, first.url(), BTC, "101");
    await(venue.submit(market("partial", Side.SELL, "4", TimeInForce.GTC)));
    await(venue.submit(limit("resting", Side.BUY, "2", "90", TimeInForce.GTC)));
    await(venue.submit(new VenueOrder(ACC, "stop", BTC, Side.BUY, io.bourse.trading.domain.OrderType.STOP_LIMIT,
        VenueTesting.d("1"), VenueTesting.d("120"), VenueTesting.d("110"), TimeInForce.GTC)));
    await(venue.submit(limit("canceled", Side.SELL, "1", "150", TimeInForce.GTC)));
    await(venue.cancel(ACC, "canceled"));
    Snapshot before = snapshot(vertx, first);
    assertThat(before.open()).extracting(VenueOrderState::clientOrderId).containsExactly("partial", "resting", "stop");
    assertThat(before.executions().items()).hasSizeGreaterThan(8);
    await(first.close());

    RunningVenue second = await(PaperVenue.startInProcess(vertx, CONFIG, dataDir));
    try {
      assertThat(second.url()).isNotEqualTo(first.url());
      Snapshot after = snapshot(vertx, second);
      assertThat(after).isEqualTo(before);

      // Resubmitting an old client order id returns the old order and adds nothing.
      VenueOrderState again = await(second.venue().submit(market("filled", Side.BUY, "1", TimeInForce.GTC)));
      assertThat(again).isEqualTo(before.all().get(0));
      assertThat(await(second.venue().executions(ACC, 0, 1000))).isEqualTo(before.executions());

      // The restored book keeps working: the stop triggers, the partial order fills further, sequences continue.
      VenueTesting.mark(vertx, second.url(), BTC, "112");
      assertThat(await(second.venue().lookup(ACC, "stop")).status()).isEqualTo(VenueOrderStatus.PARTIALLY_FILLED);
      VenueOrderState fresh = await(second.venue().submit(limit("fresh", Side.BUY, "1", "50", TimeInForce.GTC)));
      assertThat(before.all()).extracting(VenueOrderState::venueOrderId).doesNotContain(fresh.venueOrderId());
      List<VenueExecution> all = await(second.venue().executions(ACC, 0, 1000)).items();
      for (int i = 0; i < all.size(); i++) assertThat(all.get(i).sequence()).isEqualTo(i + 1L);
      assertThat(all).extracting(VenueExecution::executionId).filteredOn(id -> id != null).doesNotHaveDuplicates();
    } finally {
      await(second.close());
    }
  }

  @Test
  void aTornLastLineIsDroppedAndACorruptEarlierLineRefusesToStart(Vertx vertx) throws Exception {
    VenueConfig whole = config("0", "0", "1", "0");
    RunningVenue first = await(PaperVenue.startInProcess(vertx, whole, dataDir));
    VenueTesting.mark(vertx, first.url(), BTC, "100");
    await(first.venue().submit(market("a", Side.BUY, "1", TimeInForce.GTC)));
    await(first.close());
    Path journal = dataDir.resolve("venue").resolve(VenueJournal.FILE);
    List<String> lines = Files.readAllLines(journal);
    Files.writeString(journal, lines.get(0).substring(0, 20), StandardOpenOption.APPEND); // a write cut short

    RunningVenue second = await(PaperVenue.startInProcess(vertx, whole, dataDir));
    assertThat(await(second.venue().lookup(ACC, "a")).status()).isEqualTo(VenueOrderStatus.FILLED);
    await(second.venue().submit(limit("b", Side.BUY, "1", "1", TimeInForce.GTC)));
    await(second.close());
    assertThat(Files.readAllLines(journal)).hasSize(lines.size() + 1).startsWith(lines.toArray(String[]::new));

    List<String> corrupt = new java.util.ArrayList<>(Files.readAllLines(journal));
    corrupt.set(0, corrupt.get(0).replace("\"BUY\"", "\"SELL\""));
    Files.write(journal, corrupt, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> await(PaperVenue.startInProcess(vertx, whole, dataDir)))
        .hasMessageContaining("line 1 is corrupt");
  }

  @Test
  void twoVenuesCannotShareAJournal(Vertx vertx) {
    RunningVenue first = await(PaperVenue.startInProcess(vertx, CONFIG, dataDir));
    try {
      assertThatThrownBy(() -> await(PaperVenue.startInProcess(vertx, CONFIG, dataDir)))
          .hasMessageContaining("another paper venue");
    } finally {
      await(first.close());
    }
  }
}

package io.bourse.venue;

import static io.bourse.venue.VenueTesting.BTC;
import static io.bourse.venue.VenueTesting.await;
import static io.bourse.venue.VenueTesting.collect;
import static io.bourse.venue.VenueTesting.d;
import static io.bourse.venue.VenueTesting.eventually;
import static io.bourse.venue.VenueTesting.mark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bourse.common.Partitions;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What a report stream carries: all executions, none, or one partition's accounts; several at once in one message. */
@ExtendWith(VertxExtension.class)
class VenueStreamFilterTest {
  @TempDir
  Path dataDir;

  private Vertx vertx;
  private RunningVenue running;
  private final List<VenueClient> clients = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    running = await(PaperVenue.startInProcess(vertx, VenueConfig.defaults(), dataDir));
  }

  @AfterEach
  void stop() {
    clients.forEach(c -> await(c.close()));
    await(running.close());
  }

  private VenueClient client(StreamFilter filter) {
    VenueClient client = VenueClient.create(vertx, running.url(), VenueConfig.defaults().client(), filter);
    clients.add(client);
    await(client.firstConnect());
    return client;
  }

  @Test
  void eachPartitionGetsItsOwnAccountsAndTogetherTheyGetEverything() {
    List<VenueExecution> all = collect(running.venue());
    List<VenueExecution> first = collect(client(StreamFilter.partition(0, 2)));
    List<VenueExecution> second = collect(client(StreamFilter.partition(1, 2)));
    List<VenueExecution> none = collect(client(StreamFilter.NONE));
    mark(vertx, running.url(), BTC, "100");

    List<String> accounts = List.of("acc-a", "acc-b", "acc-c", "acc-d", "acc-e", "acc-f");
    Set<Integer> partitions = new HashSet<>();
    accounts.forEach(a -> partitions.add(Partitions.of(a, 2)));
    assertThat(partitions).as("the accounts cover both partitions").containsExactlyInAnyOrder(0, 1);
    List<Future<VenueOrderState>> submitted = new ArrayList<>();
    for (String account : accounts) {
      submitted.add(running.venue().submit(new VenueOrder(account, "c-" + account, BTC, Side.BUY, OrderType.MARKET,
          d("0.5"), null, null, TimeInForce.GTC)));
    }
    submitted.forEach(VenueTesting::await);

    // Each market order: an acknowledgement and a fill.
    eventually("every execution on the unfiltered stream", () -> all.size() == 2 * accounts.size());
    eventually("every execution on one of the partitions", () -> first.size() + second.size() == all.size());
    assertThat(first).allSatisfy(e -> assertThat(Partitions.of(e.accountId(), 2)).isZero());
    assertThat(second).allSatisfy(e -> assertThat(Partitions.of(e.accountId(), 2)).isOne());
    List<String> union = new ArrayList<>();
    first.forEach(e -> union.add(e.accountId() + "#" + e.sequence()));
    second.forEach(e -> union.add(e.accountId() + "#" + e.sequence()));
    assertThat(union).containsExactlyInAnyOrderElementsOf(all.stream().map(e -> e.accountId() + "#" + e.sequence())
        .toList());
    // Still in each account's order.
    for (String account : accounts) {
      List<VenueExecution> stream = Partitions.of(account, 2) == 0 ? first : second;
      assertThat(stream.stream().filter(e -> e.accountId().equals(account)).map(VenueExecution::sequence).toList())
          .as(account).containsExactly(1L, 2L);
    }
    assertThat(none).isEmpty();
  }

  @Test
  void executionsOfOneTaskArriveAsOneMessageInOrder() throws Exception {
    List<JsonObject> messages = new CopyOnWriteArrayList<>();
    WebSocket ws = await(vertx.createWebSocketClient().connect(running.server().actualPort(), "127.0.0.1",
        "/stream"));
    ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
    mark(vertx, running.url(), BTC, "100");
    // A market order is acknowledged and filled by one command: both executions go out together.
    await(running.venue().submit(new VenueOrder("acc-1", "c1", BTC, Side.BUY, OrderType.MARKET, d("1"), null, null,
        TimeInForce.GTC)));
    eventually("the batch", () -> !messages.isEmpty());
    JsonObject batch = messages.get(0);
    assertThat(batch.getString("type")).isEqualTo("executions");
    assertThat(batch.getJsonArray("items")).hasSize(2);
    assertThat(batch.getJsonArray("items").getJsonObject(0).getString("kind")).isEqualTo("ACKNOWLEDGED");
    assertThat(batch.getJsonArray("items").getJsonObject(1).getString("kind")).isEqualTo("FILLED");
    await(ws.close());
  }

  @Test
  void aMarkThatFillsHundredsOfOrdersIsSplitIntoMessagesAClientAccepts() throws Exception {
    List<String> messages = new CopyOnWriteArrayList<>();
    WebSocket ws = await(vertx.createWebSocketClient().connect(running.server().actualPort(), "127.0.0.1",
        "/stream"));
    ws.textMessageHandler(messages::add);
    mark(vertx, running.url(), BTC, "100");
    int orders = 400;
    List<Future<VenueOrderState>> submitted = new ArrayList<>();
    for (int i = 0; i < orders; i++) {
      submitted.add(running.venue().submit(new VenueOrder("acc-1", "r" + i, BTC, Side.BUY, OrderType.LIMIT, d("1"),
          d("90"), null, TimeInForce.GTC)));
    }
    submitted.forEach(VenueTesting::await);
    // One command (this mark) fills every resting order.
    mark(vertx, running.url(), BTC, "89");
    List<JsonObject> fills = new CopyOnWriteArrayList<>();
    eventually("every fill", () -> {
      fills.clear();
      for (String text : messages) {
        JsonObject m = new JsonObject(text);
        List<JsonObject> items = m.getString("type").equals("executions")
            ? m.getJsonArray("items").stream().map(JsonObject.class::cast).toList() : List.of(m);
        items.stream().filter(e -> e.getString("kind").equals("FILLED")).forEach(fills::add);
      }
      return fills.size() == orders;
    });
    assertThat(messages).allSatisfy(text -> assertThat(text.length())
        .isLessThanOrEqualTo(PaperVenueServer.MAX_STREAM_MESSAGE_CHARS));
    long batchesWithFills = messages.stream().filter(t -> t.contains("\"FILLED\"")).count();
    assertThat(batchesWithFills).as("the fills did not fit one message").isGreaterThan(1);
    assertThat(fills.stream().map(e -> e.getLong("sequence")).toList()).isSorted();
    await(ws.close());
  }

  @Test
  void aStreamQueryTheVenueDoesNotUnderstandIsClosedWithItsReason() throws Exception {
    for (String query : List.of("?partition=2&partitions=2", "?partition=0", "?partitions=0&partition=0",
        "?executions=some", "?executions=none&partition=0&partitions=2", "?shard=1", "?partition=x&partitions=2",
        "?partition=0&partition=1&partitions=2")) {
      CompletableFuture<Short> closed = new CompletableFuture<>();
      // Set on the socket's own event loop as it connects; the venue may have closed it already (then Vert.x
      // refuses a close handler), so both ways are checked.
      WebSocket ws = await(vertx.createWebSocketClient().connect(running.server().actualPort(), "127.0.0.1",
          "/stream" + query).onSuccess(socket -> {
            if (socket.isClosed()) {
              closed.complete(socket.closeStatusCode());
            } else {
              socket.closeHandler(c -> closed.complete(socket.closeStatusCode()));
            }
          }));
      assertThat(closed.get(10, TimeUnit.SECONDS)).as(query).isEqualTo((short) 1008);
      assertThat(ws.closeReason()).as(query).isNotBlank();
    }
  }

  @Test
  void filtersAreCheckedWhereTheyAreMade() {
    assertThatThrownBy(() -> StreamFilter.partition(2, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StreamFilter.partition(0, StreamFilter.MAX_PARTITIONS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(StreamFilter.parse(StreamFilter.partition(3, 8).query().substring(1)))
        .isEqualTo(StreamFilter.partition(3, 8));
    assertThat(StreamFilter.parse(StreamFilter.NONE.query().substring(1))).isEqualTo(StreamFilter.NONE);
    assertThat(StreamFilter.parse("")).isEqualTo(StreamFilter.ALL);
    assertThat(StreamFilter.ALL.query()).isEmpty();
  }
}

package io.bourse.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.BatchOperation;
import io.bourse.store.Document;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The writer's queueing on its own: batches in command order, coalescing while one is in flight, bounds, failure. */
class AccountWriterTest {
  private final List<List<BatchOperation>> batches = new ArrayList<>();
  private final List<Promise<Void>> inFlight = new ArrayList<>();
  private final AccountWriter writer = new AccountWriter(ops -> {
    batches.add(ops);
    Promise<Void> p = Promise.promise();
    inFlight.add(p);
    return p.future();
  }, 5);

  private static BatchOperation doc(String id, int version) {
    return BatchOperation.upsert(Document.of("acc", id, new JsonObject().put("v", version)));
  }

  @Test
  void commandsQueuedBehindABatchGoOutTogetherWithTheLatestVersionOfEachDocument() {
    Future<Void> first = writer.write(List.of(doc("account", 1), doc("order:a", 1)));
    Future<Void> second = writer.write(List.of(doc("account", 2), doc("order:b", 1)));
    Future<Void> third = writer.write(List.of(doc("account", 3), doc("order:a", 2)));
    assertThat(batches).hasSize(1);
    inFlight.get(0).complete();
    assertThat(first.succeeded()).isTrue();
    assertThat(second.isComplete()).isFalse();
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1)).extracting(BatchOperation::id).containsExactly("order:b", "account", "order:a");
    assertThat(batches.get(1)).extracting(op -> op.document().body().getInteger("v")).containsExactly(1, 3, 2);
    inFlight.get(1).complete();
    assertThat(second.succeeded()).isTrue();
    assertThat(third.succeeded()).isTrue();
    assertThat(writer.idle()).isTrue();
  }

  @Test
  void aBatchNeverExceedsTheBoundAndNeverSplitsACommand() {
    writer.write(List.of(doc("x", 0)));
    Future<Void> a = writer.write(List.of(doc("a1", 1), doc("a2", 1), doc("a3", 1)));
    Future<Void> b = writer.write(List.of(doc("b1", 1), doc("b2", 1), doc("b3", 1)));
    inFlight.get(0).complete();
    assertThat(batches.get(1)).extracting(BatchOperation::id).containsExactly("a1", "a2", "a3");
    inFlight.get(1).complete();
    assertThat(a.succeeded()).isTrue();
    assertThat(batches.get(2)).extracting(BatchOperation::id).containsExactly("b1", "b2", "b3");
    inFlight.get(2).complete();
    assertThat(b.succeeded()).isTrue();
  }

  @Test
  void aFailedBatchFailsEveryCommandQueuedBehindIt() {
    Future<Void> first = writer.write(List.of(doc("account", 1)));
    Future<Void> queued = writer.write(List.of(doc("account", 2)));
    inFlight.get(0).fail(new IllegalStateException("disk full"));
    assertThat(first.failed()).isTrue();
    assertThat(queued.failed()).isTrue();
    assertThat(batches).hasSize(1);
    // The writer is spent: a late write (a callback still holding the dropped account) never reaches the store.
    assertThat(writer.write(List.of(doc("account", 3))).failed()).isTrue();
    assertThat(batches).hasSize(1);
  }

  @Test
  void aCommandLargerThanABatchIsRefused() {
    assertThat(writer.write(List.of(doc("z", 1), doc("y", 1), doc("w", 1), doc("v", 1), doc("u", 1), doc("t", 1)))
        .failed()).isTrue();
    assertThat(batches).isEmpty();
  }
}

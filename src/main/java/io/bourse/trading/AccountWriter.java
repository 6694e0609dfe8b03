package io.bourse.trading;

import io.bourse.store.BatchOperation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes one account's changes in command order, one atomic batch at a time, and coalesces the commands that queue up
 * while a batch is in flight into the next batch (a later write of the same document replaces the earlier one). Every
 * command's documents land in one batch, never split, so each command stays atomic; under load one store round trip
 * then carries many commands, which is what lets a single hot account go faster than one round trip per order.
 * Must be used from one Vert.x context (the shard's).
 */
final class AccountWriter {
  private record Pending(List<BatchOperation> ops, Promise<Void> done) {}

  private final Function<List<BatchOperation>, Future<?>> batch;
  private final int maxOperations;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean inFlight;
  private Throwable failed;

  AccountWriter(Function<List<BatchOperation>, Future<?>> batch, int maxOperations) {
    this.batch = batch;
    this.maxOperations = maxOperations;
  }

  Future<Void> write(List<BatchOperation> ops) {
    // After a failed batch the account's state in memory is not what the store holds: its owner reloads it into a
    // new writer, and nothing may be written through this one any more (a late callback would be a second writer).
    if (failed != null) return Future.failedFuture(failed);
    if (ops.size() > maxOperations) {
      return Future.failedFuture(new IllegalStateException("one command produced " + ops.size() + " writes"));
    }
    Promise<Void> done = Promise.promise();
    queue.add(new Pending(ops, done));
    flush();
    return done.future();
  }

  boolean idle() { return !inFlight && queue.isEmpty(); }

  private void flush() {
    if (inFlight || queue.isEmpty()) return;
    Map<String, BatchOperation> merged = new LinkedHashMap<>();
    List<Promise<Void>> waiting = new ArrayList<>();
    while (!queue.isEmpty()) {
      Pending next = queue.peek();
      // Count what the command would add before merging it, so a long queue costs linear time, not a map copy each.
      int added = 0;
      for (BatchOperation op : next.ops()) if (!merged.containsKey(op.id())) added++;
      if (!waiting.isEmpty() && merged.size() + added > maxOperations) break;
      for (BatchOperation op : next.ops()) {
        merged.remove(op.id()); // re-insert at the end: the latest version keeps its command's position
        merged.put(op.id(), op);
      }
      waiting.add(queue.poll().done());
    }
    inFlight = true;
    batch.apply(List.copyOf(merged.values())).onComplete(ar -> {
      inFlight = false;
      if (ar.succeeded()) {
        waiting.forEach(Promise::tryComplete);
        flush();
        return;
      }
      // Commands queued behind a failed batch were computed on state that now is not durable: fail them too, and
      // the owner reloads the account from the store.
      failed = ar.cause();
      waiting.forEach(p -> p.tryFail(ar.cause()));
      while (!queue.isEmpty()) queue.poll().done().tryFail(ar.cause());
    });
  }
}

package io.bourse.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.BatchOperation;
import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.trading.TradingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store's share of order entry, without HTTP, risk or venue: each order is the three batches a market order costs
 * a shard (accepted; acknowledged; filled with its fill, position, ledger and account), with documents shaped and
 * sized like the trading store's (2.1 KB orders, 1.5 KB ledger documents), eight accounts each writing one batch at a
 * time as AccountWriter does. Reported per order: the writer thread's CPU time and the bytes it wrote (WAL frames and
 * any temporary file). Baseline in the same run: the same writes into a container without indexes.
 *
 * <p>Run: {@code mvn -B -Pbenchmarks test -Dtest=OrderWritesBenchmark -Dexec.skip=true}
 * ({@code -Dbench.orders=20000}, {@code -Dbench.rounds=3}).
 */
class OrderWritesBenchmark {
  private static final int ACCOUNTS = 8;
  private static final int ORDERS = Integer.getInteger("bench.orders", 20_000);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

  private final AtomicLong sequence = new AtomicLong();

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void orderWritesPerOrder() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        // Alternating, each in a fresh file, so both see the same machine and a store of the same size.
        String indexed = measure(vertx, TradingStore.SPEC, round);
        String plain = measure(vertx, new ContainerSpec("plain", List.of(), 0), round);
        System.out.println(indexed);
        System.out.println(plain);
      }
    } finally {
      vertx.close().await();
    }
  }

  private String measure(Vertx vertx, ContainerSpec spec, int round) throws Exception {
    Path file = Files.createTempDirectory("order-writes").resolve("store.db");
    DocumentStore store = SqliteDocumentStore.open(vertx,
        new StoreConfig.Embedded(file, StoreConfig.Synchronous.NORMAL, 4), 2_000_000).await();
    try {
      store.ensureContainer(spec).await();
      long cpu = writerCpuNanos();
      long bytes = writerBytes();
      long started = System.nanoTime();
      CountDownLatch done = new CountDownLatch(ACCOUNTS);
      AtomicLong failures = new AtomicLong();
      for (int a = 0; a < ACCOUNTS; a++) {
        String account = "PA-" + a;
        vertx.runOnContext(v -> orders(store, spec.name(), account, ORDERS / ACCOUNTS, failures, done));
      }
      assertThat(done.await(10, TimeUnit.MINUTES)).isTrue();
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpuMicros = (writerCpuNanos() - cpu) / 1e3 / ORDERS;
      double kib = (writerBytes() - bytes) / 1024.0 / ORDERS;
      assertThat(failures.get()).isZero();
      // Every order of every account is there, filled.
      for (int a = 0; a < ACCOUNTS; a++) {
        List<Document> filled = store.query(spec.name(), Query.in("PA-" + a).eq("status", "FILLED").limit(1000).build())
            .await().items();
        assertThat(filled).hasSize(Math.min(1000, ORDERS / ACCOUNTS));
      }
      return String.format(Locale.ROOT, "| %d | %s | %.0f | %.1f | %.1f |", round,
          spec.indexes().isEmpty() ? "no indexes (baseline)" : "trading indexes", ORDERS / seconds, cpuMicros, kib);
    } finally {
      store.close().await();
    }
  }

  /** One account's orders, each three batches, each batch after the previous one completed. */
  private void orders(DocumentStore store, String container, String account, int left, AtomicLong failures,
                      CountDownLatch done) {
    if (left == 0) {
      done.countDown();
      return;
    }
    String orderId = "bo" + UUID.randomUUID().toString().replace("-", "").substring(0, 26);
    String now = java.time.Instant.now().toString();
    long n = sequence.incrementAndGet();
    Future<?> written = store.batch(container, account, List.of(
            upsert(account, "order:" + orderId, order(orderId, account, now, "PENDING_NEW")),
            upsert(account, "ledger:" + (2 * n), ledger(account, 2 * n, now)),
            upsert(account, TradingStore.ACCOUNT_DOC, account(account, n))))
        .compose(r -> store.batch(container, account, List.of(
            upsert(account, "order:" + orderId, order(orderId, account, now, "NEW")))))
        .compose(r -> store.batch(container, account, List.of(
            upsert(account, "order:" + orderId, order(orderId, account, now, "FILLED")),
            upsert(account, "fill:pv" + n + "-1", new JsonObject().put("executionId", "pv" + n + "-1").put("orderId", orderId)
                .put("accountId", account).put("symbol", "BTC-USD").put("side", "BUY").put("quantity", "0.001")
                .put("price", "65018.931186").put("fee", "0.06501894").put("createdAt", now).put("docType", "fill")),
            upsert(account, "position:BTC-USD", new JsonObject().put("docType", "position").put("symbol", "BTC-USD")
                .put("quantity", "0." + n).put("averagePrice", "65000.1").put("realizedPnl", "12.5")),
            upsert(account, "ledger:" + (2 * n + 1), ledger(account, 2 * n + 1, now)),
            upsert(account, TradingStore.ACCOUNT_DOC, account(account, n)))));
    written.onComplete(ar -> {
      if (ar.failed()) failures.incrementAndGet();
      orders(store, container, account, left - 1, failures, done);
    });
  }

  private static BatchOperation upsert(String account, String id, JsonObject body) {
    return BatchOperation.upsert(Document.of(account, id, body));
  }

  /** An order document as the trading store keeps it: request, idempotency record, first answer, history. */
  private static JsonObject order(String id, String account, String now, String status) {
    JsonObject o = new JsonObject().put("orderId", id).put("accountId", account).put("symbol", "BTC-USD")
        .put("side", "BUY").put("type", "MARKET").put("quantity", "0.001").putNull("price").putNull("stopPrice")
        .put("timeInForce", "IOC").put("clientOrderId", id).put("venueClientOrderId", id).put("status", status)
        .put("filledQuantity", "0.001").put("averagePrice", "65018.931186").put("feesPaid", "0.06501894")
        .put("createdAt", now).put("updatedAt", now).put("docType", "order").put("open", !status.equals("FILLED"))
        .put("currency", "USD").put("reserved", "0").put("idempotencyKey", UUID.randomUUID().toString())
        .put("requestHash", "9feb0869021db7b3fd043a3718ea34809e83a67876dd2adb6df469a70da51a16").put("source", "REST")
        .put("requestId", UUID.randomUUID().toString());
    o.put("response", new JsonObject().put("status", 201).put("body", o.copy()));
    JsonArray history = new JsonArray();
    for (int k = 1; k <= 3; k++) {
      history.add(new JsonObject().put("orderId", id).put("sequence", k).put("from", "NEW").put("to", "FILLED")
          .put("source", "VENUE").put("reason", "execution pv3661-1").putNull("executionId").putNull("fillQuantity")
          .putNull("fillPrice").put("at", now).put("requestId", "ef842a81-9f52-4143-8558-6566b4ee006c"));
    }
    return o.put("history", history);
  }

  private static JsonObject ledger(String account, long number, String now) {
    JsonArray entries = new JsonArray();
    for (int k = 0; k < 5; k++) {
      entries.add(new JsonObject().put("id", account + ":p" + number + ":" + k).put("number", number * 10 + k)
          .put("postingId", account + ":p" + number).put("accountId", account).put("currency", "USD")
          .put("book", "AVAILABLE").put("amount", "64.973792642").put("kind", "FILL")
          .put("orderId", "bo5rm5sl6xkdoxxvyykoa4zet7ed").put("createdAt", now));
    }
    return new JsonObject().put("docType", "ledger").put("number", number * 10 + 4).put("first", number * 10)
        .put("currency", "USD").put("entries", entries);
  }

  private static JsonObject account(String account, long n) {
    return new JsonObject().put("docType", "account").put("accountId", account).put("nextPosting", n)
        .put("balances", new JsonObject().put("USD", new JsonObject().put("AVAILABLE", "99999.12").put("RESERVED", "1.5")));
  }

  private static long writerCpuNanos() {
    var threads = ManagementFactory.getThreadMXBean();
    for (long id : threads.getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      if (info != null && info.getThreadName().equals("bourse-store-writer")) return threads.getThreadCpuTime(id);
    }
    throw new IllegalStateException("no store writer thread");
  }

  /** Bytes the writer thread asked the kernel to write ({@code wchar}: the WAL and any temporary file alike). */
  private static long writerBytes() throws Exception {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        if (Files.readString(task.resolve("comm")).trim().equals("bourse-store-wr")) {
          for (String line : Files.readAllLines(task.resolve("io"))) {
            if (line.startsWith("wchar:")) return Long.parseLong(line.substring(6).trim());
          }
        }
      }
    }
    throw new IllegalStateException("no store writer thread in /proc");
  }
}

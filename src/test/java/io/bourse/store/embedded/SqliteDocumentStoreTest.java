package io.bourse.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.DocumentStoreContractTest;
import io.bourse.store.Page;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.StoreException.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDocumentStoreTest extends DocumentStoreContractTest {
  @TempDir
  static Path dir;

  @Override
  protected Future<DocumentStore> openStore(Vertx vertx, int maxDocumentBytes) throws Exception {
    return open(Files.createTempDirectory(dir, "store").resolve("nested").resolve("store.db"));
  }

  private Future<DocumentStore> open(Path file) {
    return SqliteDocumentStore.open(vertx, new StoreConfig.Embedded(file, StoreConfig.Synchronous.NORMAL, 4),
        MAX_DOCUMENT_BYTES);
  }

  @Test
  void reopeningKeepsDocumentsContainersAndContinuationTokens() throws Exception {
    Path file = Files.createTempDirectory(dir, "reopen").resolve("store.db");
    DocumentStore first = await(open(file));
    await(first.ensureContainer(new ContainerSpec("kept", List.of(List.of("n")), 0)));
    for (int i = 0; i < 5; i++) {
      await(first.upsert("kept", doc("k" + i, new JsonObject().put("n", i))));
    }
    Query.Builder query = Query.in(pk).orderBy("n", false).limit(2);
    Page page1 = await(first.query("kept", query.build()));
    await(first.close());

    DocumentStore second = await(open(file));
    try {
      // No ensureContainer: the container is known from the file.
      assertThat(await(second.read("kept", pk, "k4")).body().getInteger("n")).isEqualTo(4);
      Page page2 = await(second.query("kept", query.continuation(page1.continuation()).build()));
      assertThat(ids(page2.items())).containsExactly("k2", "k3");
    } finally {
      await(second.close());
    }
  }

  @Test
  void expiredRowsArePurgedFromTheFile() throws Exception {
    Path file = Files.createTempDirectory(dir, "purge").resolve("store.db");
    SqliteDocumentStore purging = (SqliteDocumentStore) await(open(file));
    try {
      await(purging.ensureContainer(new ContainerSpec("expiring", List.of(), 1)));
      await(purging.upsert("expiring", doc("default-ttl", new JsonObject())));
      await(purging.upsert("expiring", doc("own-ttl", new JsonObject()).withTtl(3_600)));
      assertThat(await(purging.purgeExpired())).isZero();
      Thread.sleep(1_500); // the JUnit thread; the container default TTL is one second
      assertThat(await(purging.purgeExpired())).isEqualTo(1);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT id FROM c_expiring")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("own-ttl");
        assertThat(rs.next()).isFalse();
      }
    } finally {
      await(purging.close());
    }
  }

  @Test
  void aSlowGroupCommitIsReportedOnceWithTheWritesItHeldUp() throws Exception {
    Path file = Files.createTempDirectory(dir, "slow").resolve("store.db");
    ch.qos.logback.classic.Logger storeLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SqliteDocumentStore.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    storeLog.addAppender(lines);
    DocumentStore store = await(open(file));
    try {
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
           Statement s = other.createStatement()) {
        // Another connection holds the write lock for 300 ms: the writer's first group (nothing went through it
        // before, so no earlier slow commit can have used up the report) waits for it within its busy timeout.
        s.execute("BEGIN IMMEDIATE");
        Future<Void> held = store.ensureContainer(ContainerSpec.of("items"));
        Thread.sleep(300);
        s.execute("ROLLBACK");
        await(held);
      }
      await(store.upsert("items", doc("after", new JsonObject().put("v", 1))));
      assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().contains("group commit")).singleElement()
          .satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage()).startsWith("1 group commit(s) took over 100 ms").endsWith("for 1 writes");
          });
    } finally {
      storeLog.detachAppender(lines);
      await(store.close());
    }
  }

  @Test
  void aFileFromANewerSchemaIsRefused() throws Exception {
    Path file = Files.createTempDirectory(dir, "newer").resolve("store.db");
    await(await(open(file)).close());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("INSERT INTO schema_version (version) VALUES (" + (SqliteDocumentStore.SCHEMA_VERSION + 1) + ")");
    }
    assertThat(failure(open(file)).kind()).isEqualTo(Kind.UNAVAILABLE);
  }

  @Test
  void aLockedDatabaseFailsWritesAsUnavailableAndTheStoreRecovers() throws Exception {
    Path file = Files.createTempDirectory(dir, "locked").resolve("store.db");
    DocumentStore locked = await(open(file));
    try {
      await(locked.ensureContainer(ContainerSpec.of("items")));
      Document before = await(locked.upsert("items", doc("a", new JsonObject().put("v", 1))));
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
           Statement s = other.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
        // The writer gives up after its busy timeout instead of hanging; nothing of the failed group is kept.
        assertThat(failure(locked.upsert("items", doc("a", new JsonObject().put("v", 2)))).kind())
            .isEqualTo(Kind.UNAVAILABLE);
        s.execute("ROLLBACK");
      }
      assertThat(await(locked.read("items", pk, "a")).etag()).isEqualTo(before.etag());
      assertThat(await(locked.upsert("items", doc("a", new JsonObject().put("v", 3)))).etag()).isNotBlank();
    } finally {
      await(locked.close());
    }
  }
  @Test
  void fieldIndexesArePartialUsedByQueriesAndDroppedWhenNoLongerNamed() throws Exception {
    Path file = Files.createTempDirectory(dir, "indexes").resolve("store.db");
    DocumentStore store = await(open(file));
    try {
      await(store.ensureContainer(ContainerSpec.of("mixed", "kind", "n")));
      await(store.upsert("mixed", doc("a", new JsonObject().put("kind", "x").put("n", 1))));
      await(store.upsert("mixed", doc("b", new JsonObject().put("kind", "y"))));
      await(store.upsert("mixed", doc("c", new JsonObject().put("other", true))));
    } finally {
      await(store.close());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      // Only documents that have the field are in its index.
      assertThat(count(s, "SELECT count(*) FROM c_mixed INDEXED BY ix_c_mixed__p_n WHERE json_extract(body, '$.n') IS NOT NULL")).isEqualTo(1);
      assertThat(count(s, "SELECT count(*) FROM c_mixed INDEXED BY ix_c_mixed__p_kind WHERE json_extract(body, '$.kind') IS NOT NULL")).isEqualTo(2);
      // The planner takes them for the queries Reads builds: an equality filter, and an ordering (which adds IS NOT NULL).
      assertThat(plan(s, "SELECT id FROM c_mixed WHERE pk = 'p' AND json_extract(body, '$.kind') = 'x'"))
          .contains("ix_c_mixed__p_kind");
      assertThat(plan(s, "SELECT id FROM c_mixed WHERE pk = 'p' AND json_extract(body, '$.n') IS NOT NULL"
          + " ORDER BY json_extract(body, '$.n') DESC")).contains("ix_c_mixed__p_n");
      // A full index of the first schema is replaced.
      s.execute("CREATE INDEX ix_c_mixed__f_kind ON c_mixed (pk, json_extract(body, '$.kind'))");
    }
    DocumentStore again = await(open(file));
    try {
      await(again.ensureContainer(ContainerSpec.of("mixed", "kind")));
      Page page = await(again.query("mixed", Query.in(pk).orderBy("kind", true).build()));
      assertThat(ids(page.items())).containsExactly("b", "a");
    } finally {
      await(again.close());
    }
    // The write-timestamp index is built only for containers that order by it.
    assertThat(indexNames(file, "c_mixed")).containsExactly("ix_c_mixed__expires", "ix_c_mixed__p_kind");
  }

  @Test
  void anIndexOverSeveralFieldsServesAFilterOnTheFirstOrderedByTheSecondAndTheTimestampIndexIsOptIn() throws Exception {
    Path file = Files.createTempDirectory(dir, "composite").resolve("store.db");
    DocumentStore store = await(open(file));
    try {
      await(store.ensureContainer(ContainerSpec.of("kinds", "n", "_ts").withIndex("kind", "at")));
      await(store.upsert("kinds", doc("a", new JsonObject().put("kind", "order").put("at", "2026-01-02"))));
      await(store.upsert("kinds", doc("b", new JsonObject().put("kind", "order").put("at", "2026-01-03"))));
      await(store.upsert("kinds", doc("c", new JsonObject().put("kind", "fill").put("at", "2026-01-04"))));
      await(store.upsert("kinds", doc("d", new JsonObject().put("kind", "order"))));
      Page newestOrders = await(store.query("kinds", Query.in(pk).eq("kind", "order").orderBy("at", true).build()));
      assertThat(ids(newestOrders.items())).as("documents without the ordering field are left out").containsExactly("b", "a");
      Page byTime = await(store.query("kinds", Query.in(pk).orderBy("_ts", false).build()));
      assertThat(ids(byTime.items())).hasSize(4);
    } finally {
      await(store.close());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND json_extract(body, '$.kind') = 'order'"
          + " AND json_extract(body, '$.at') IS NOT NULL ORDER BY json_extract(body, '$.at') DESC, id DESC"))
          .contains("ix_c_kinds__p_kind__at");
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND json_extract(body, '$.kind') = 'fill'"))
          .contains("ix_c_kinds__p_kind__at");
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' ORDER BY ts ASC, id ASC")).contains("ix_c_kinds__ts");
      // Ordered by the field it filters on (as the trading store loads an account's open orders and positions), a
      // query walks that field's index; ordered by id it may scan the whole partition in id order instead.
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND (expires_at IS NULL OR expires_at > 0)"
          + " AND json_extract(body, '$.n') = 1 AND json_extract(body, '$.n') IS NOT NULL"
          + " ORDER BY json_extract(body, '$.n') ASC, id ASC LIMIT 1001")).contains("ix_c_kinds__p_n");
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND (expires_at IS NULL OR expires_at > 0)"
          + " AND json_extract(body, '$.kind') = 'fill' AND json_extract(body, '$.kind') IS NOT NULL"
          + " ORDER BY json_extract(body, '$.kind') ASC, id ASC LIMIT 1001")).contains("ix_c_kinds__p_kind__at");
    }
    DocumentStore again = await(open(file));
    try {
      await(again.ensureContainer(ContainerSpec.of("kinds").withIndex("kind", "at")));
    } finally {
      await(again.close());
    }
    assertThat(indexNames(file, "c_kinds")).as("indexes no longer named are dropped, the timestamp one included")
        .containsExactly("ix_c_kinds__expires", "ix_c_kinds__p_kind__at");
  }

  @Test
  void theLogIsCopiedIntoTheDatabaseFileByTheCheckpointerNotByCommits() throws Exception {
    Path file = Files.createTempDirectory(dir, "checkpoint").resolve("store.db");
    DocumentStore store = await(open(file));
    try {
      await(store.ensureContainer(ContainerSpec.of("bulk")));
      String padding = "x".repeat(4_000);
      for (int i = 0; i < 200; i++) {
        List<io.bourse.store.BatchOperation> ops = new java.util.ArrayList<>();
        for (int j = 0; j < 10; j++) {
          ops.add(io.bourse.store.BatchOperation.upsert(doc("d" + i + "-" + j, new JsonObject().put("p", padding))));
        }
        await(store.batch("bulk", pk, ops));
      }
      // ~8 MB committed. Automatic checkpoints are off, so only the checkpointer thread moves pages into the file.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (Files.size(file) < 6_000_000 && System.nanoTime() < deadline) Thread.sleep(50);
      assertThat(Files.size(file)).isGreaterThan(6_000_000);
      assertThat(await(store.read("bulk", pk, "d199-9")).body().getString("p")).hasSize(4_000);
    } finally {
      await(store.close());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      assertThat(count(s, "SELECT count(*) FROM c_bulk")).isEqualTo(2_000);
    }
  }

  @Test
  void theLogIsRewoundUnderContinuousWritesInsteadOfGrowingWithoutEnd() throws Exception {
    Path file = Files.createTempDirectory(dir, "rewind").resolve("store.db");
    Path wal = file.resolveSibling("store.db-wal");
    DocumentStore store = await(open(file));
    try {
      await(store.ensureContainer(ContainerSpec.of("stream")));
      String padding = "y".repeat(3_500);
      // Keeps eight batches in flight for three seconds, so the writer never pauses (a pause would let even a passive
      // checkpoint finish and the log rewind by itself); the rewind must keep the log to a few intervals' worth.
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
      java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
      Runnable[] send = new Runnable[1];
      send[0] = () -> {
        if (System.nanoTime() - until > 0) {
          if (inFlight.get() == 0) drained.countDown();
          return;
        }
        int i = next.getAndIncrement();
        inFlight.incrementAndGet();
        List<io.bourse.store.BatchOperation> ops = new java.util.ArrayList<>();
        for (int j = 0; j < 8; j++) {
          ops.add(io.bourse.store.BatchOperation.upsert(doc("s" + (i % 500) + "-" + j, new JsonObject().put("p", padding + i))));
        }
        store.batch("stream", pk, ops).onComplete(ar -> {
          if (ar.failed()) failure.compareAndSet(null, ar.cause());
          inFlight.decrementAndGet();
          send[0].run();
        });
      };
      vertx.runOnContext(v -> {
        for (int k = 0; k < 8; k++) send[0].run();
      });
      long largest = 0;
      while (!drained.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (Files.exists(wal)) largest = Math.max(largest, Files.size(wal));
      }
      assertThat(failure.get()).isNull();
      long written = (long) next.get() * 8 * padding.length();
      assertThat(written).as("enough written to tell").isGreaterThan(32L * 1024 * 1024);
      // Without rewinding the log held every frame written (more than the documents' bytes); with it, what a few
      // checkpoint intervals append.
      assertThat(largest).isLessThan(written / 2);
      int last = next.get() - 1;
      assertThat(await(store.read("stream", pk, "s" + (last % 500) + "-7")).body().getString("p")).endsWith("" + last);
    } finally {
      await(store.close());
    }
  }

  /** The names of a table's own indexes (not SQLite's automatic ones), sorted. */
  private static List<String> indexNames(Path file, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         java.sql.PreparedStatement ps = c.prepareStatement("SELECT name FROM sqlite_master WHERE type = 'index'"
             + " AND tbl_name = ? AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name")) {
      ps.setString(1, table);
      List<String> names = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) names.add(rs.getString(1));
      }
      return names;
    }
  }

  private static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String plan(Statement s, String sql) throws Exception {
    StringBuilder out = new StringBuilder();
    try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
      while (rs.next()) out.append(rs.getString(4)).append('\n');
    }
    return out.toString();
  }
}

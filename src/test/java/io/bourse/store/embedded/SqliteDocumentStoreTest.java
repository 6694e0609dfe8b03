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
      assertThat(count(s, "SELECT count(*) FROM c_mixed INDEXED BY ix_c_mixed__c_n WHERE \"f:n\" IS NOT NULL")).isEqualTo(1);
      assertThat(count(s, "SELECT count(*) FROM c_mixed INDEXED BY ix_c_mixed__c_kind WHERE \"f:kind\" IS NOT NULL")).isEqualTo(2);
      // The planner takes them for the queries Reads builds: an equality filter, and an ordering (which adds IS NOT NULL).
      assertThat(plan(s, "SELECT id FROM c_mixed WHERE pk = 'p' AND \"f:kind\" = 'x'")).contains("ix_c_mixed__c_kind");
      assertThat(plan(s, "SELECT id FROM c_mixed WHERE pk = 'p' AND \"f:n\" IS NOT NULL ORDER BY \"f:n\" DESC"))
          .contains("ix_c_mixed__c_n");
      // The JSON-expression indexes of earlier builds (full, then partial) are replaced.
      s.execute("CREATE INDEX ix_c_mixed__f_kind ON c_mixed (pk, json_extract(body, '$.kind'))");
      s.execute("CREATE INDEX ix_c_mixed__p_kind ON c_mixed (pk, json_extract(body, '$.kind'))"
          + " WHERE json_extract(body, '$.kind') IS NOT NULL");
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
    assertThat(indexNames(file, "c_mixed")).containsExactly("ix_c_mixed__c_kind", "ix_c_mixed__expires");
  }

  @Test
  void fieldColumnsFollowEveryKindOfWriteSoQueriesSeeTheCurrentValues() throws Exception {
    Path file = Files.createTempDirectory(dir, "columns").resolve("store.db");
    DocumentStore store = await(open(file));
    try {
      await(store.ensureContainer(ContainerSpec.of("cols", "kind", "a.b", "n", "flag")));
      await(store.create("cols", doc("x", new JsonObject().put("kind", "order").put("a", new JsonObject().put("b", "deep"))
          .put("n", 1).put("flag", true))));
      assertThat(idsWhere(store, "kind", "order")).containsExactly("x");
      assertThat(idsWhere(store, "a.b", "deep")).containsExactly("x");
      assertThat(idsWhere(store, "n", 1)).containsExactly("x");
      assertThat(idsWhere(store, "flag", true)).containsExactly("x");
      // Only a field that is not indexed changes: the columns keep their values.
      await(store.upsert("cols", doc("x", new JsonObject().put("kind", "order").put("a", new JsonObject().put("b", "deep"))
          .put("n", 1).put("flag", true).put("note", "other"))));
      assertThat(idsWhere(store, "kind", "order")).containsExactly("x");
      // Each indexed value changes (a number to a real, a boolean to false, one field removed), through a batch.
      await(store.batch("cols", pk, List.of(io.bourse.store.BatchOperation.upsert(doc("x", new JsonObject()
          .put("kind", "fill").put("n", 2.5).put("flag", false))), io.bourse.store.BatchOperation.create(doc("y",
          new JsonObject().put("kind", "order"))))));
      assertThat(idsWhere(store, "kind", "order")).containsExactly("y");
      assertThat(idsWhere(store, "kind", "fill")).containsExactly("x");
      assertThat(idsWhere(store, "a.b", "deep")).isEmpty();
      assertThat(idsWhere(store, "n", 1)).isEmpty();
      assertThat(idsWhere(store, "n", 2.5)).containsExactly("x");
      assertThat(idsWhere(store, "flag", false)).containsExactly("x");
      Document y = await(store.read("cols", pk, "y"));
      await(store.replace("cols", doc("y", new JsonObject().put("kind", "fill").put("n", 3)), y.etag()));
      Page byN = await(store.query("cols", Query.in(pk).where("n", Query.Op.GT, 2).orderBy("n", true).build()));
      assertThat(ids(byN.items())).containsExactly("y", "x");
      await(store.delete("cols", pk, "x", null));
      assertThat(idsWhere(store, "kind", "fill")).containsExactly("y");
    } finally {
      await(store.close());
    }
  }

  @Test
  void aBodyChangedByItsCallerAfterTheWriteWasRequestedDoesNotLeaveAColumnStale() throws Exception {
    Path file = Files.createTempDirectory(dir, "snapshot").resolve("store.db");
    DocumentStore store = await(open(file));
    try {
      await(store.ensureContainer(ContainerSpec.of("cols", "kind")));
      await(store.upsert("cols", doc("x", new JsonObject().put("kind", "order"))));
      JsonObject body = new JsonObject().put("kind", "fill");
      Future<Document> written = store.upsert("cols", doc("x", body));
      // The text written was encoded when upsert was called; the writer must not look at the object afterwards.
      body.put("kind", "order");
      await(written);
      assertThat(await(store.read("cols", pk, "x")).body().getString("kind")).isEqualTo("fill");
      assertThat(idsWhere(store, "kind", "fill")).containsExactly("x");
      assertThat(idsWhere(store, "kind", "order")).isEmpty();
    } finally {
      await(store.close());
    }
  }

  @Test
  void aWriteRewritesOnlyTheIndexEntriesWhoseValuesChange() throws Exception {
    Path file = Files.createTempDirectory(dir, "frames").resolve("store.db");
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = raw.createStatement()) {
      s.executeQuery("PRAGMA journal_mode=WAL").close();
      s.execute("PRAGMA wal_autocheckpoint=0");
      raw.setAutoCommit(false);
      Schema.migrate(raw);
      List<String> fields = Schema.ensureContainer(raw, ContainerSpec.of("frames", "kind", "status").withIndex("kind", "at"));
      raw.commit();
      assertThat(fields).containsExactlyInAnyOrder("kind", "status", "at");
      SqliteDocumentStore.CachedConnection c = new SqliteDocumentStore.CachedConnection(raw);
      JsonObject order = new JsonObject().put("kind", "order").put("status", "NEW").put("at", "2026-12-08T01:00:00Z");
      FieldColumns columns = new FieldColumns("c_frames", fields);
      Writes.upsert(c, columns, new Writes.Row(doc("o", order), order.encode(), 0, columns, columns.snapshot(order)));
      raw.commit();
      // Each B-tree here is one page, so a commit writes one WAL frame per B-tree it changed.
      JsonObject filled = order.copy().put("filled", "0.5");
      assertThat(framesOfOneWrite(raw, s, c, fields, filled)).as("only the table's page").isEqualTo(1);
      JsonObject done = filled.copy().put("status", "FILLED");
      assertThat(framesOfOneWrite(raw, s, c, fields, done)).as("the table and the status index").isEqualTo(2);
      JsonObject renamed = done.copy().put("kind", "closed");
      assertThat(framesOfOneWrite(raw, s, c, fields, renamed)).as("the table, and both indexes that start with kind")
          .isEqualTo(3);
    }
  }

  private long framesOfOneWrite(Connection raw, Statement s, SqliteDocumentStore.CachedConnection c,
                                List<String> fields, JsonObject body) throws Exception {
    raw.setAutoCommit(true);
    s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)").close();
    raw.setAutoCommit(false);
    FieldColumns columns = new FieldColumns("c_frames", fields);
    Writes.upsert(c, columns, new Writes.Row(doc("o", body), body.encode(), 0, columns, columns.snapshot(body)));
    raw.commit();
    raw.setAutoCommit(true);
    try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
      return rs.getLong(2);
    } finally {
      raw.setAutoCommit(false);
    }
  }

  @Test
  void aStoreWithTheJsonExpressionIndexesOfAnEarlierBuildGetsItsColumnsFilledIn() throws Exception {
    Path file = Files.createTempDirectory(dir, "earlier").resolve("store.db");
    await(await(open(file)).close());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      // The table and index as the previous build made them, with documents in it.
      s.execute("CREATE TABLE c_old (pk TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, etag TEXT NOT NULL,"
          + " ts INTEGER NOT NULL, expires_at INTEGER, PRIMARY KEY (pk, id))");
      s.execute("CREATE INDEX ix_c_old__p_kind ON c_old (pk, json_extract(body, '$.kind'))"
          + " WHERE json_extract(body, '$.kind') IS NOT NULL");
      s.execute("INSERT INTO containers (name, default_ttl) VALUES ('old', 0)");
      s.execute("INSERT INTO c_old VALUES ('" + pk + "', 'a', '{\"kind\":\"order\"}', 'e1', 1, NULL),"
          + " ('" + pk + "', 'b', '{\"kind\":\"fill\"}', 'e2', 2, NULL), ('" + pk + "', 'c', '{}', 'e3', 3, NULL)");
    }
    DocumentStore store = await(open(file));
    try {
      await(store.ensureContainer(ContainerSpec.of("old", "kind")));
      assertThat(idsWhere(store, "old", "kind", "order")).containsExactly("a");
      Page byKind = await(store.query("old", Query.in(pk).orderBy("kind", false).build()));
      assertThat(ids(byKind.items())).containsExactly("b", "a");
    } finally {
      await(store.close());
    }
    assertThat(indexNames(file, "c_old")).containsExactly("ix_c_old__c_kind", "ix_c_old__expires");
  }

  private List<String> idsWhere(DocumentStore store, String field, Object value) throws Exception {
    return idsWhere(store, "cols", field, value);
  }

  private List<String> idsWhere(DocumentStore store, String container, String field, Object value) throws Exception {
    return ids(await(store.query(container, Query.in(pk).eq(field, value).build())).items());
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
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND \"f:kind\" = 'order'"
          + " AND \"f:at\" IS NOT NULL ORDER BY \"f:at\" DESC, id DESC")).contains("ix_c_kinds__c_kind__at");
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND \"f:kind\" = 'fill'")).contains("ix_c_kinds__c_kind__at");
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' ORDER BY ts ASC, id ASC")).contains("ix_c_kinds__ts");
      // Ordered by the field it filters on (as the trading store loads an account's open orders and positions), a
      // query walks that field's index; ordered by id it may scan the whole partition in id order instead.
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND (expires_at IS NULL OR expires_at > 0)"
          + " AND \"f:n\" = 1 AND \"f:n\" IS NOT NULL ORDER BY \"f:n\" ASC, +id ASC LIMIT 1001")).contains("ix_c_kinds__c_n");
      assertThat(plan(s, "SELECT id FROM c_kinds WHERE pk = 'p' AND (expires_at IS NULL OR expires_at > 0)"
          + " AND \"f:kind\" = 'fill' AND \"f:kind\" IS NOT NULL ORDER BY \"f:kind\" ASC, +id ASC LIMIT 1001"))
          .contains("ix_c_kinds__c_kind__at");
    }
    DocumentStore again = await(open(file));
    try {
      await(again.ensureContainer(ContainerSpec.of("kinds").withIndex("kind", "at")));
    } finally {
      await(again.close());
    }
    assertThat(indexNames(file, "c_kinds")).as("indexes no longer named are dropped, the timestamp one included")
        .containsExactly("ix_c_kinds__c_kind__at", "ix_c_kinds__expires");
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

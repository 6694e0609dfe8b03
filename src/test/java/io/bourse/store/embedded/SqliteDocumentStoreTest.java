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
    await(first.ensureContainer(new ContainerSpec("kept", List.of("n"), 0)));
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
}

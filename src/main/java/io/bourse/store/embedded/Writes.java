package io.bourse.store.embedded;

import io.bourse.store.BatchOperation;
import io.bourse.store.Document;
import io.bourse.store.StoreException;
import io.bourse.store.StoreException.Kind;
import io.bourse.store.StoreRules;
import io.bourse.store.embedded.SqliteDocumentStore.CachedConnection;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Write statements; they run on the writer thread inside the current group transaction. */
final class Writes {
  private Writes() {}

  static Document create(CachedConnection c, String table, Document d, String body, int ttl) throws SQLException {
    long now = System.currentTimeMillis();
    String etag = SqliteDocumentStore.newEtag();
    // An expired row that was not purged yet must not block a create of the same id.
    PreparedStatement ps = c.statement("INSERT INTO " + table + " (pk, id, body, etag, ts, expires_at)"
        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pk, id) DO UPDATE SET body = excluded.body,"
        + " etag = excluded.etag, ts = excluded.ts, expires_at = excluded.expires_at"
        + " WHERE " + table + ".expires_at IS NOT NULL AND " + table + ".expires_at <= ?");
    bindRow(ps, d, body, etag, now, ttl);
    ps.setLong(7, now);
    if (ps.executeUpdate() == 0) {
      throw new StoreException(Kind.CONFLICT, "document '" + d.id() + "' already exists");
    }
    return stored(d, etag, now, ttl);
  }

  static Document upsert(CachedConnection c, String table, Document d, String body, int ttl) throws SQLException {
    long now = System.currentTimeMillis();
    String etag = SqliteDocumentStore.newEtag();
    PreparedStatement ps = c.statement("INSERT INTO " + table + " (pk, id, body, etag, ts, expires_at)"
        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pk, id) DO UPDATE SET body = excluded.body,"
        + " etag = excluded.etag, ts = excluded.ts, expires_at = excluded.expires_at");
    bindRow(ps, d, body, etag, now, ttl);
    ps.executeUpdate();
    return stored(d, etag, now, ttl);
  }

  static Document replace(CachedConnection c, String table, Document d, String body, int ttl, String ifMatch)
      throws SQLException {
    long now = System.currentTimeMillis();
    String etag = SqliteDocumentStore.newEtag();
    PreparedStatement ps = c.statement("UPDATE " + table + " SET body = ?, etag = ?, ts = ?, expires_at = ?"
        + " WHERE pk = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?) AND (? IS NULL OR etag = ?)");
    ps.setString(1, body);
    ps.setString(2, etag);
    ps.setLong(3, now);
    bindExpiry(ps, 4, now, ttl);
    ps.setString(5, d.partitionKey());
    ps.setString(6, d.id());
    ps.setLong(7, now);
    ps.setString(8, ifMatch);
    ps.setString(9, ifMatch);
    if (ps.executeUpdate() == 0) throw missingOrStale(c, table, d.partitionKey(), d.id(), now);
    return stored(d, etag, now, ttl);
  }

  static void delete(CachedConnection c, String table, String pk, String id, String ifMatch) throws SQLException {
    long now = System.currentTimeMillis();
    PreparedStatement ps = c.statement("DELETE FROM " + table
        + " WHERE pk = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?) AND (? IS NULL OR etag = ?)");
    ps.setString(1, pk);
    ps.setString(2, id);
    ps.setLong(3, now);
    ps.setString(4, ifMatch);
    ps.setString(5, ifMatch);
    if (ps.executeUpdate() == 0) throw missingOrStale(c, table, pk, id, now);
  }

  /**
   * All operations or none: a savepoint inside the group transaction undoes this batch alone when one of its
   * operations fails on its own (a conflict, an ETag mismatch, a missing document). Upserts cannot fail that way; an
   * SQL error fails the whole group transaction, so a batch of upserts (all of order entry's) needs no savepoint.
   * Skipping it matters: under a savepoint SQLite copies every page the batch touches into a statement journal, and
   * under order entry that was as many bytes as the WAL itself, spilled to a temporary file (docs/BENCHMARKS.md).
   */
  static List<Document> batch(CachedConnection c, String table, String pk, List<BatchOperation> operations,
                              List<String> bodies, int defaultTtl) throws SQLException {
    if (operations.stream().allMatch(op -> op.kind() == BatchOperation.Kind.UPSERT)) {
      List<Document> results = new ArrayList<>(operations.size());
      for (int i = 0; i < operations.size(); i++) {
        BatchOperation op = operations.get(i);
        results.add(upsert(c, table, op.document(), bodies.get(i), StoreRules.effectiveTtl(op.document(), defaultTtl)));
      }
      return results;
    }
    c.statement("SAVEPOINT batch").execute();
    List<Document> results = new ArrayList<>(operations.size());
    for (int i = 0; i < operations.size(); i++) {
      BatchOperation op = operations.get(i);
      try {
        results.add(switch (op.kind()) {
          case CREATE -> create(c, table, op.document(), bodies.get(i), StoreRules.effectiveTtl(op.document(), defaultTtl));
          case UPSERT -> upsert(c, table, op.document(), bodies.get(i), StoreRules.effectiveTtl(op.document(), defaultTtl));
          case REPLACE -> replace(c, table, op.document(), bodies.get(i),
              StoreRules.effectiveTtl(op.document(), defaultTtl), op.ifMatch());
          case DELETE -> {
            delete(c, table, pk, op.id(), op.ifMatch());
            yield null;
          }
        });
      } catch (StoreException e) {
        c.statement("ROLLBACK TO batch").execute();
        c.statement("RELEASE batch").execute();
        throw StoreException.inBatch(i, e);
      }
    }
    c.statement("RELEASE batch").execute();
    return results;
  }

  static int purgeExpired(CachedConnection c, String table) throws SQLException {
    PreparedStatement ps = c.statement("DELETE FROM " + table + " WHERE expires_at IS NOT NULL AND expires_at <= ?");
    ps.setLong(1, System.currentTimeMillis());
    return ps.executeUpdate();
  }

  private static StoreException missingOrStale(CachedConnection c, String table, String pk, String id, long now)
      throws SQLException {
    PreparedStatement ps = c.statement("SELECT etag FROM " + table
        + " WHERE pk = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)");
    ps.setString(1, pk);
    ps.setString(2, id);
    ps.setLong(3, now);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? new StoreException(Kind.PRECONDITION_FAILED, "document '" + id + "' was modified (ETag mismatch)")
          : new StoreException(Kind.NOT_FOUND, "document '" + id + "' does not exist");
    }
  }

  private static void bindRow(PreparedStatement ps, Document d, String body, String etag, long now, int ttl)
      throws SQLException {
    ps.setString(1, d.partitionKey());
    ps.setString(2, d.id());
    ps.setString(3, body);
    ps.setString(4, etag);
    ps.setLong(5, now);
    bindExpiry(ps, 6, now, ttl);
  }

  private static void bindExpiry(PreparedStatement ps, int index, long now, int ttl) throws SQLException {
    if (ttl > 0) ps.setLong(index, now + ttl * 1000L);
    else ps.setNull(index, Types.BIGINT);
  }

  private static Document stored(Document d, String etag, long now, int ttl) {
    return new Document(d.id(), d.partitionKey(), d.body() == null ? new JsonObject() : d.body(), etag, now, ttl);
  }
}

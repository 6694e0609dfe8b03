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

  /**
   * One document to write: its encoded body, its TTL, and {@code values}, the body's column values as
   * {@link FieldColumns#snapshot} took them from that encoding with {@code columns} (null: set every column).
   */
  record Row(Document document, String body, int ttl, FieldColumns columns, Object[] values) {}

  static Document create(CachedConnection c, FieldColumns columns, Row row) throws SQLException {
    Document d = row.document();
    long now = System.currentTimeMillis();
    Existing existing = existing(c, columns, d);
    // An expired row that was not purged yet must not block a create of the same id.
    if (existing != null && existing.live(now)) {
      throw new StoreException(Kind.CONFLICT, "document '" + d.id() + "' already exists");
    }
    return write(c, columns, existing, row, now);
  }

  static Document upsert(CachedConnection c, FieldColumns columns, Row row) throws SQLException {
    return write(c, columns, existing(c, columns, row.document()), row, System.currentTimeMillis());
  }

  static Document replace(CachedConnection c, FieldColumns columns, Row row, String ifMatch) throws SQLException {
    Document d = row.document();
    long now = System.currentTimeMillis();
    Existing existing = existing(c, columns, d);
    if (existing == null || !existing.live(now)) {
      throw new StoreException(Kind.NOT_FOUND, "document '" + d.id() + "' does not exist");
    }
    if (ifMatch != null && !ifMatch.equals(existing.etag())) {
      throw new StoreException(Kind.PRECONDITION_FAILED, "document '" + d.id() + "' was modified (ETag mismatch)");
    }
    return write(c, columns, existing, row, now);
  }

  /** The row a write replaces: its rowid, ETag, expiry and what its field columns hold. */
  private record Existing(long rowid, String etag, Long expiresAt, Object[] held) {
    boolean live(long now) { return expiresAt == null || expiresAt > now; }
  }

  private static Existing existing(CachedConnection c, FieldColumns columns, Document d) throws SQLException {
    PreparedStatement ps = c.statement(columns.select());
    ps.setString(1, d.partitionKey());
    ps.setString(2, d.id());
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) return null;
      long rowid = rs.getLong(1);
      String etag = rs.getString(2);
      long expiresAt = rs.getLong(3);
      Long expiry = rs.wasNull() ? null : expiresAt;
      Object[] held = new Object[columns.fields().size()];
      for (int i = 0; i < held.length; i++) held[i] = rs.getObject(4 + i);
      return new Existing(rowid, etag, expiry, held);
    }
  }

  /** Inserts the row, or updates it setting only the field columns whose values change (see FieldColumns#update). */
  private static Document write(CachedConnection c, FieldColumns columns, Existing existing, Row row, long now)
      throws SQLException {
    Document d = row.document();
    String body = row.body();
    int ttl = row.ttl();
    String etag = SqliteDocumentStore.newEtag();
    if (existing == null) {
      PreparedStatement ps = c.statement(columns.insert());
      ps.setString(1, d.partitionKey());
      ps.setString(2, d.id());
      ps.setString(3, body);
      ps.setString(4, etag);
      ps.setLong(5, now);
      bindExpiry(ps, 6, now, ttl);
      ps.executeUpdate();
      return stored(d, etag, now, ttl);
    }
    long changed = 0;
    // Values taken with other columns (an ensureContainer came in between) say nothing about these: set them all.
    Object[] values = row.columns() == columns ? row.values() : null;
    for (int i = 0; i < existing.held().length; i++) {
      if (values == null || FieldColumns.changes(values[i], existing.held()[i])) changed |= 1L << i;
    }
    PreparedStatement ps = c.statement(columns.update(changed));
    ps.setString(1, body);
    ps.setString(2, etag);
    ps.setLong(3, now);
    bindExpiry(ps, 4, now, ttl);
    ps.setLong(5, existing.rowid());
    ps.executeUpdate();
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
  static List<Document> batch(CachedConnection c, String table, FieldColumns columns, String pk,
                              List<BatchOperation> operations, List<Row> rows) throws SQLException {
    if (operations.stream().allMatch(op -> op.kind() == BatchOperation.Kind.UPSERT)) {
      List<Document> results = new ArrayList<>(operations.size());
      for (Row row : rows) results.add(upsert(c, columns, row));
      return results;
    }
    c.statement("SAVEPOINT batch").execute();
    List<Document> results = new ArrayList<>(operations.size());
    for (int i = 0; i < operations.size(); i++) {
      BatchOperation op = operations.get(i);
      try {
        results.add(switch (op.kind()) {
          case CREATE -> create(c, columns, rows.get(i));
          case UPSERT -> upsert(c, columns, rows.get(i));
          case REPLACE -> replace(c, columns, rows.get(i), op.ifMatch());
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

  private static void bindExpiry(PreparedStatement ps, int index, long now, int ttl) throws SQLException {
    if (ttl > 0) ps.setLong(index, now + ttl * 1000L);
    else ps.setNull(index, Types.BIGINT);
  }

  private static Document stored(Document d, String etag, long now, int ttl) {
    return new Document(d.id(), d.partitionKey(), d.body() == null ? new JsonObject() : d.body(), etag, now, ttl);
  }
}

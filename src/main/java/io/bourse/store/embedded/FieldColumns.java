package io.bourse.store.embedded;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The body fields one table keeps in columns (see {@link Schema#ensureContainer}), with the SQL of its writes built
 * once: the writer runs these statements for every document, and their text is the key of its statement cache.
 */
final class FieldColumns {
  /** A body value this class does not compare with what SQLite stored: the column is always set from the body. */
  private static final Object UNCOMPARABLE = new Object();

  private final String table;
  private final List<String> fields;
  private final String[][] paths;
  private final String select;
  private final String insert;
  private final Map<Long, String> updates = new ConcurrentHashMap<>();

  FieldColumns(String table, List<String> fields) {
    if (fields.size() > Long.SIZE) throw new IllegalArgumentException(table + " has more field columns than " + Long.SIZE);
    this.table = table;
    this.fields = List.copyOf(fields);
    this.paths = fields.stream().map(field -> field.split("\\.")).toArray(String[][]::new);
    StringBuilder select = new StringBuilder("SELECT rowid, etag, expires_at");
    for (String field : fields) select.append(", ").append(Schema.column(field));
    this.select = select.append(" FROM ").append(table).append(" WHERE pk = ? AND id = ?").toString();
    StringBuilder insert = new StringBuilder("INSERT INTO ").append(table).append(" (pk, id, body, etag, ts, expires_at");
    for (String field : fields) insert.append(", ").append(Schema.column(field));
    insert.append(") VALUES (?1, ?2, ?3, ?4, ?5, ?6");
    for (String field : fields) insert.append(", ").append(Schema.extract("?3", field));
    this.insert = insert.append(')').toString();
  }

  List<String> fields() { return fields; }

  boolean contains(String field) { return fields.contains(field); }

  /** Reads the row's rowid, ETag, expiry and field columns (in {@link #fields()} order, from column 4). */
  String select() { return select; }

  /** Binds pk, id, body, etag, ts, expires_at as ?1..?6; the columns are computed from the body by SQLite. */
  String insert() { return insert; }

  /**
   * Binds body, etag, ts, expires_at, rowid as ?1..?5, and sets only the columns whose bit is set in {@code changed}:
   * SQLite rewrites the index entries of every column an UPDATE sets, even to the value it had.
   */
  String update(long changed) {
    return updates.computeIfAbsent(changed, mask -> {
      StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET body = ?1, etag = ?2, ts = ?3, expires_at = ?4");
      for (int i = 0; i < fields.size(); i++) {
        if ((mask & (1L << i)) != 0) sql.append(", ").append(Schema.column(fields.get(i))).append(" = ").append(Schema.extract("?1", fields.get(i)));
      }
      return sql.append(" WHERE rowid = ?5").toString();
    });
  }

  /**
   * The body's values for the columns, as far as they can be compared with what SQLite stored (text, integer, boolean,
   * null); anything else is marked so the column is always set. Taken on the caller's thread when the body is
   * encoded, so it describes exactly the text that is written.
   */
  Object[] snapshot(JsonObject body) {
    Object[] values = new Object[paths.length];
    for (int i = 0; i < paths.length; i++) values[i] = body == null ? null : comparable(body, paths[i]);
    return values;
  }

  /**
   * Whether a column must be set: false only when the new value is known to equal what the column holds. A wrong
   * "changed" costs an index write; a wrong "unchanged" would leave the index stale, so doubt counts as changed.
   */
  static boolean changes(Object wanted, Object held) {
    if (wanted == UNCOMPARABLE) return true;
    if (held instanceof Integer n) held = n.longValue();
    return wanted == null ? held != null : !wanted.equals(held);
  }

  private static Object comparable(JsonObject body, String[] path) {
    Object value = body;
    for (String part : path) {
      if (!(value instanceof JsonObject object)) return value == null ? null : UNCOMPARABLE;
      value = object.getValue(part);
    }
    if (value == null || value instanceof String) return value;
    if (value instanceof Boolean b) return b ? 1L : 0L;
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    return UNCOMPARABLE;
  }
}

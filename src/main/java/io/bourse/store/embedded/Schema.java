package io.bourse.store.embedded;

import io.bourse.store.ContainerSpec;
import io.bourse.store.StoreRules;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Creates and migrates the embedded schema; each step runs inside the caller's transaction. */
final class Schema {
  private Schema() {}

  static void migrate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      int current = 0;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
        if (rs.next()) current = rs.getInt(1);
      }
      if (current > SqliteDocumentStore.SCHEMA_VERSION) {
        // A newer build wrote this file; running on it could corrupt data this build does not understand.
        throw new SQLException("store schema version " + current + " is newer than this build supports ("
            + SqliteDocumentStore.SCHEMA_VERSION + ")");
      }
      if (current < 1) {
        s.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        s.execute("CREATE TABLE containers (name TEXT PRIMARY KEY, default_ttl INTEGER NOT NULL)");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta (key, value) VALUES ('token_secret', ?)")) {
          ps.setString(1, Base64.getEncoder().encodeToString(secret));
          ps.executeUpdate();
        }
        s.execute("INSERT INTO schema_version (version) VALUES (1)");
      }
    }
  }

  static byte[] tokenSecret(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'token_secret'")) {
      if (!rs.next()) throw new SQLException("store metadata is missing its token secret");
      return Base64.getDecoder().decode(rs.getString(1));
    }
  }

  /**
   * The index's name: the write-timestamp index keeps the name it had before indexes were chosen per container, so
   * existing stores that want it keep it. Field indexes are over field columns ({@code c_}); the {@code p_} indexes
   * over JSON expressions that came before them are dropped as stale.
   */
  static String indexName(String table, List<String> fields) {
    if (fields.equals(List.of(StoreRules.ORDER_BY_TIMESTAMP))) return "ix_" + table + "__ts";
    return "ix_" + table + "__c_" + String.join("__", fields).replace('.', '_');
  }

  /** The column holding an indexed body field's value; field names match [A-Za-z0-9_.]+, so quoting is enough. */
  static String column(String field) {
    return "\"" + COLUMN_PREFIX + field + "\"";
  }

  /** SQLite's value of {@code field} in the JSON text {@code source}: what a field column holds for its body. */
  static String extract(String source, String field) {
    return "json_extract(" + source + ", '$." + field + "')";
  }

  /** The body fields the table keeps in columns, in column order: every write keeps each of them current. */
  static List<String> fieldColumns(Connection c, String table) throws SQLException {
    List<String> fields = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        String name = rs.getString("name");
        if (name.startsWith(COLUMN_PREFIX)) fields.add(name.substring(COLUMN_PREFIX.length()));
      }
    }
    return List.copyOf(fields);
  }

  private static final String COLUMN_PREFIX = "f:";

  static Map<String, Integer> containers(Connection c) throws SQLException {
    Map<String, Integer> result = new HashMap<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name, default_ttl FROM containers")) {
      while (rs.next()) result.put(rs.getString(1), rs.getInt(2));
    }
    return result;
  }

  /**
   * Creates the table and the spec's indexes, and returns the fields the table keeps in columns.
   *
   * <p>Indexed body fields live in columns of their own, set from the body by SQLite's {@code json_extract} on every
   * write, and the indexes cover those columns rather than JSON expressions. The reason is the cost of updates: SQLite
   * rewrites the entry of every index whose expression or column an UPDATE sets, changed or not, and a JSON expression
   * changes with every body. With columns, a write sets only the columns whose values changed (Writes), so updating an
   * order's fill count no longer rewrites its entries in the id, kind and time indexes, nor an account's balances its
   * kind entry: 13 % fewer WAL bytes per order in the store's order-write harness (docs/BENCHMARKS.md). A column,
   * once added, is kept current even if no index names it any more, so it is never stale when an index wants it again.
   */
  static List<String> ensureContainer(Connection c, ContainerSpec spec) throws SQLException {
    String table = "c_" + spec.name();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (pk TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,"
          + " etag TEXT NOT NULL, ts INTEGER NOT NULL, expires_at INTEGER, PRIMARY KEY (pk, id))");
      s.execute("CREATE INDEX IF NOT EXISTS ix_" + table + "__expires ON " + table
          + " (expires_at) WHERE expires_at IS NOT NULL");
      Set<String> kept = new HashSet<>(fieldColumns(c, table));
      for (String field : spec.indexedFields()) {
        if (field.equals(StoreRules.ORDER_BY_TIMESTAMP) || !kept.add(field)) continue;
        s.execute("ALTER TABLE " + table + " ADD COLUMN " + column(field));
        s.execute("UPDATE " + table + " SET " + column(field) + " = " + extract("body", field));
      }
      // Partial indexes: a document without the (leading) field costs no index entry. Queries can still use them,
      // because every filter on a field (field = ?, field > ?) implies it is not null and Reads adds "field IS NOT
      // NULL" when it orders by a field. In a container holding several kinds of document (trading: orders, fills,
      // ledger, account) this is most of the write cost: an index per field on every row made each order cost ~10
      // B-tree pages, and each commit writes every page it touched to the WAL.
      Set<String> wanted = new HashSet<>();
      for (List<String> fields : spec.indexes()) {
        String name = indexName(table, fields);
        wanted.add(name);
        List<String> columns = new ArrayList<>();
        for (String field : fields) columns.add(field.equals(StoreRules.ORDER_BY_TIMESTAMP) ? "ts" : column(field));
        String leading = columns.get(0);
        s.execute("CREATE INDEX IF NOT EXISTS " + name + " ON " + table + " (pk, " + String.join(", ", columns) + ")"
            + (leading.equals("ts") ? "" : " WHERE " + leading + " IS NOT NULL"));
      }
      // Field indexes the spec no longer names, and the JSON-expression indexes of earlier builds (full, then partial),
      // only slow writes down: drop them.
      List<String> stale = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
          + " AND (name LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!')")) {
        ps.setString(1, table);
        String prefix = ("ix_" + table + "__").replace("_", "!_");
        ps.setString(2, prefix + "f!_%");
        ps.setString(3, prefix + "p!_%");
        ps.setString(4, prefix + "c!_%");
        ps.setString(5, prefix + "ts");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) if (!wanted.contains(rs.getString(1))) stale.add(rs.getString(1));
        }
      }
      for (String name : stale) s.execute("DROP INDEX IF EXISTS " + name);
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO containers (name, default_ttl) VALUES (?, ?)"
        + " ON CONFLICT (name) DO UPDATE SET default_ttl = excluded.default_ttl")) {
      ps.setString(1, spec.name());
      ps.setInt(2, Math.max(spec.defaultTtlSeconds(), 0));
      ps.executeUpdate();
    }
    return fieldColumns(c, table);
  }
}

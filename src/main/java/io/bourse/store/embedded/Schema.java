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
   * existing stores that want it keep it.
   */
  static String indexName(String table, List<String> fields) {
    if (fields.equals(List.of(StoreRules.ORDER_BY_TIMESTAMP))) return "ix_" + table + "__ts";
    return "ix_" + table + "__p_" + String.join("__", fields).replace('.', '_');
  }

  static Map<String, Integer> containers(Connection c) throws SQLException {
    Map<String, Integer> result = new HashMap<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name, default_ttl FROM containers")) {
      while (rs.next()) result.put(rs.getString(1), rs.getInt(2));
    }
    return result;
  }

  static void ensureContainer(Connection c, ContainerSpec spec) throws SQLException {
    String table = "c_" + spec.name();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (pk TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,"
          + " etag TEXT NOT NULL, ts INTEGER NOT NULL, expires_at INTEGER, PRIMARY KEY (pk, id))");
      s.execute("CREATE INDEX IF NOT EXISTS ix_" + table + "__expires ON " + table
          + " (expires_at) WHERE expires_at IS NOT NULL");
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
        for (String field : fields) columns.add(Reads.indexExpression(field));
        // The expressions must be spelled exactly as Reads spells them, or SQLite will not use the index.
        String leading = columns.get(0);
        s.execute("CREATE INDEX IF NOT EXISTS " + name + " ON " + table + " (pk, " + String.join(", ", columns) + ")"
            + (leading.equals("ts") ? "" : " WHERE " + leading + " IS NOT NULL"));
      }
      // Field indexes the spec no longer names (and the full indexes of schema 1) only slow writes down: drop them.
      List<String> stale = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
          + " AND (name LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!')")) {
        ps.setString(1, table);
        String prefix = ("ix_" + table + "__").replace("_", "!_");
        ps.setString(2, prefix + "f!_%");
        ps.setString(3, prefix + "p!_%");
        ps.setString(4, prefix + "ts");
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
  }
}

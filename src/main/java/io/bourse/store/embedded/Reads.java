package io.bourse.store.embedded;

import io.bourse.store.ContinuationTokens;
import io.bourse.store.Document;
import io.bourse.store.Page;
import io.bourse.store.Query;
import io.bourse.store.StoreRules;
import io.bourse.store.embedded.SqliteDocumentStore.CachedConnection;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Read statements; they run on the read pool, each thread on its own connection. */
final class Reads {
  private Reads() {}

  /** Field names were checked against [A-Za-z0-9_.]+, so inlining the JSON path is safe (and lets indexes match). */
  static String bodyField(String field) {
    return "json_extract(body, '$." + field + "')";
  }

  /** The SQL expression an index covers for {@code field}: its JSON path, or the ts column for the write timestamp. */
  static String indexExpression(String field) {
    return field.equals(StoreRules.ORDER_BY_TIMESTAMP) ? "ts" : bodyField(field);
  }

  static Document point(CachedConnection c, String table, String pk, String id) throws SQLException {
    PreparedStatement ps = c.statement("SELECT body, etag, ts, expires_at FROM " + table
        + " WHERE pk = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)");
    ps.setString(1, pk);
    ps.setString(2, id);
    ps.setLong(3, System.currentTimeMillis());
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) return null;
      return document(id, pk, rs.getString(1), rs.getString(2), rs.getLong(3), rs.getObject(4));
    }
  }

  /**
   * Keyset pagination on (order value, id): a page starts strictly after the last row of the previous one, so rows
   * written between pages never cause duplicates or gaps among the rows that existed throughout. Documents without
   * the ordering field are left out, as Cosmos does.
   */
  static Page query(CachedConnection c, String table, Query q, JsonObject after, ContinuationTokens tokens)
      throws SQLException {
    String order = orderExpression(q.orderBy());
    boolean byId = order.equals("id");
    String direction = q.descending() ? "DESC" : "ASC";
    String beyond = q.descending() ? "<" : ">";
    StringBuilder sql = new StringBuilder("SELECT id, body, etag, ts, expires_at, ").append(order)
        .append(" FROM ").append(table).append(" WHERE pk = ? AND (expires_at IS NULL OR expires_at > ?)");
    List<Object> args = new ArrayList<>();
    args.add(q.partitionKey());
    args.add(System.currentTimeMillis());
    for (Query.Filter f : q.filters()) {
      sql.append(" AND ").append(fieldExpression(f.field())).append(' ').append(StoreRules.sqlOperator(f.op())).append(" ?");
      args.add(f.value());
    }
    if (!byId && !order.equals("ts")) sql.append(" AND ").append(order).append(" IS NOT NULL");
    if (after != null) {
      Object lastId = after.getValue("id");
      if (!(lastId instanceof String)) throw StoreRules.invalidQuery("continuation token is not valid");
      if (byId) {
        sql.append(" AND id ").append(beyond).append(" ?");
      } else {
        Object lastValue = after.getValue("v");
        if (!(lastValue instanceof String || lastValue instanceof Number)) {
          throw StoreRules.invalidQuery("continuation token is not valid");
        }
        sql.append(" AND (").append(order).append(' ').append(beyond).append(" ? OR (").append(order)
            .append(" = ? AND id ").append(beyond).append(" ?))");
        args.add(lastValue);
        args.add(lastValue);
      }
      args.add(lastId);
    }
    sql.append(" ORDER BY ");
    if (!byId) sql.append(order).append(' ').append(direction).append(", ");
    sql.append("id ").append(direction).append(" LIMIT ?");
    args.add(q.limit() + 1);

    PreparedStatement ps = c.statement(sql.toString());
    for (int i = 0; i < args.size(); i++) bind(ps, i + 1, args.get(i));
    List<Document> items = new ArrayList<>(Math.min(q.limit(), 64));
    Object lastValue = null;
    boolean more = false;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (items.size() == q.limit()) {
          more = true;
          break;
        }
        items.add(document(rs.getString(1), q.partitionKey(), rs.getString(2), rs.getString(3), rs.getLong(4),
            rs.getObject(5)));
        lastValue = rs.getObject(6);
      }
    }
    if (!more) return new Page(items, null);
    JsonObject state = new JsonObject().put("id", items.get(items.size() - 1).id());
    if (!byId) state.put("v", lastValue);
    return new Page(items, tokens.encode(q, state));
  }

  private static String orderExpression(String orderBy) {
    if (orderBy == null || orderBy.equals(StoreRules.ORDER_BY_ID)) return "id";
    if (orderBy.equals(StoreRules.ORDER_BY_TIMESTAMP)) return "ts";
    return bodyField(orderBy);
  }

  private static String fieldExpression(String field) {
    return field.equals(StoreRules.ORDER_BY_ID) ? "id" : bodyField(field);
  }

  /** json_extract yields integers for JSON integers and booleans, reals otherwise; bind values to match. */
  private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
    if (value instanceof Boolean b) ps.setInt(index, b ? 1 : 0);
    else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      ps.setLong(index, ((Number) value).longValue());
    } else if (value instanceof BigInteger bi) ps.setLong(index, bi.longValueExact());
    else if (value instanceof BigDecimal bd) ps.setDouble(index, bd.doubleValue());
    else if (value instanceof Number n) ps.setDouble(index, n.doubleValue());
    else ps.setString(index, (String) value);
  }

  private static Document document(String id, String pk, String body, String etag, long ts, Object expiresAt) {
    int ttl = expiresAt instanceof Number n ? (int) ((n.longValue() - ts) / 1000L) : 0;
    return new Document(id, pk, new JsonObject(body), etag, ts, ttl);
  }
}

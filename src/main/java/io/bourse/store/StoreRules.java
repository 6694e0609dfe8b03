package io.bourse.store;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The input rules every implementation enforces before touching its backend, so bad input fails the same way (and
 * without a round trip) on SQLite and on Cosmos.
 */
public final class StoreRules {
  public static final int MAX_ID_LENGTH = 255;
  public static final int MAX_QUERY_LIMIT = 1000;
  /** Top-level body fields the stores own (Cosmos keeps them beside the body in the same item). */
  public static final Set<String> RESERVED_FIELDS = Set.of("id", "pk", "ttl");
  /** Non-body names a query may order by: the last-write time and the document id. */
  public static final String ORDER_BY_TIMESTAMP = "_ts";
  public static final String ORDER_BY_ID = "id";

  private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  private static final Pattern CONTAINER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");

  private StoreRules() {}

  public static void checkContainer(String name) {
    if (name == null || !CONTAINER.matcher(name).matches()) {
      throw new StoreException(StoreException.Kind.INVALID_ID,
          "container name must match " + CONTAINER.pattern() + ", got '" + name + "'");
    }
  }

  /** Ids and partition keys end up in Cosmos resource paths, where these characters are not allowed. */
  public static void checkId(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new StoreException(StoreException.Kind.INVALID_ID, what + " must not be empty");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new StoreException(StoreException.Kind.INVALID_ID,
          what + " must be at most " + MAX_ID_LENGTH + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || c == '\\' || c == '?' || c == '#' || Character.isISOControl(c)) {
        throw new StoreException(StoreException.Kind.INVALID_ID,
            what + " must not contain '/', '\\', '?', '#' or control characters");
      }
    }
  }

  /**
   * Validates a document for writing and returns its serialized body, so callers encode it only once.
   * The size limit is checked on the whole stored form (body plus id and partition key).
   */
  public static String checkDocument(Document document, int maxDocumentBytes) {
    if (document == null) {
      throw new StoreException(StoreException.Kind.INVALID_ID, "document must not be null");
    }
    checkId("id", document.id());
    checkId("partition key", document.partitionKey());
    JsonObject body = document.body() == null ? new JsonObject() : document.body();
    for (String field : body.fieldNames()) {
      if (RESERVED_FIELDS.contains(field) || field.startsWith("_")) {
        throw new StoreException(StoreException.Kind.INVALID_ID,
            "body field '" + field + "' is reserved by the store (id, pk, ttl and names starting with '_')");
      }
    }
    String encoded = body.encode();
    long size = (long) encoded.getBytes(StandardCharsets.UTF_8).length
        + document.id().getBytes(StandardCharsets.UTF_8).length
        + document.partitionKey().getBytes(StandardCharsets.UTF_8).length;
    if (size > maxDocumentBytes) {
      throw new StoreException(StoreException.Kind.TOO_LARGE,
          "document '" + document.id() + "' is " + size + " bytes, the limit is " + maxDocumentBytes);
    }
    return encoded;
  }

  public static void checkQuery(Query query) {
    if (query == null) throw invalidQuery("query must not be null");
    checkId("partition key", query.partitionKey());
    if (query.limit() < 1 || query.limit() > MAX_QUERY_LIMIT) {
      throw invalidQuery("limit must be between 1 and " + MAX_QUERY_LIMIT + ", got " + query.limit());
    }
    for (Query.Filter f : query.filters()) {
      checkField(f.field());
      if (f.op() == null) throw invalidQuery("filter on '" + f.field() + "' has no operator");
      if (!(f.value() instanceof String || f.value() instanceof Number || f.value() instanceof Boolean)) {
        throw invalidQuery("filter on '" + f.field() + "' needs a string, number or boolean value");
      }
    }
    if (query.orderBy() != null && !ORDER_BY_TIMESTAMP.equals(query.orderBy())) {
      checkField(query.orderBy());
    }
  }

  /** A field an index may cover: a body field, or the write timestamp that {@link #ORDER_BY_TIMESTAMP} orders by. */
  public static void checkIndexField(String field) {
    if (!ORDER_BY_TIMESTAMP.equals(field)) checkField(field);
  }

  /** Body field names are inlined into SQL (SQLite JSON paths, Cosmos property paths), so only this shape passes. */
  public static void checkField(String field) {
    if (field == null || !FIELD.matcher(field).matches()) {
      throw invalidQuery("field name must match [A-Za-z0-9_.]+, got '" + field + "'");
    }
    String top = field.split("\\.", 2)[0];
    // Reserved names are not body fields: each store keeps them differently, so queries on them would disagree.
    if (top.startsWith("_") || (RESERVED_FIELDS.contains(top) && !top.equals(ORDER_BY_ID))) {
      throw invalidQuery("'" + field + "' is reserved by the store and cannot be queried");
    }
  }

  public static void checkBatch(String partitionKey, List<BatchOperation> operations) {
    checkId("partition key", partitionKey);
    if (operations == null || operations.isEmpty()) {
      throw invalidQuery("a batch needs at least one operation");
    }
    if (operations.size() > DocumentStore.MAX_BATCH_OPERATIONS) {
      throw invalidQuery("a batch holds at most " + DocumentStore.MAX_BATCH_OPERATIONS + " operations, got "
          + operations.size());
    }
  }

  /** Per-operation checks; failures name the operation index like backend failures do. */
  public static String checkBatchOperation(int index, String partitionKey, BatchOperation op, int maxDocumentBytes) {
    try {
      if (op == null || op.kind() == null) throw invalidQuery("operation is missing its kind");
      if (op.kind() == BatchOperation.Kind.DELETE) {
        checkId("id", op.id());
        return null;
      }
      String body = checkDocument(op.document(), maxDocumentBytes);
      if (!partitionKey.equals(op.document().partitionKey())) {
        throw new StoreException(StoreException.Kind.INVALID_ID,
            "document partition key '" + op.document().partitionKey() + "' differs from the batch's");
      }
      return body;
    } catch (StoreException e) {
      throw StoreException.inBatch(index, e);
    }
  }

  /** The comparison as written in both SQLite's and Cosmos's SQL dialects. */
  public static String sqlOperator(Query.Op op) {
    return switch (op) {
      case EQ -> "=";
      case NE -> "!=";
      case LT -> "<";
      case LTE -> "<=";
      case GT -> ">";
      case GTE -> ">=";
    };
  }

  public static StoreException invalidQuery(String message) {
    return new StoreException(StoreException.Kind.INVALID_QUERY, message);
  }

  /** The ttl to store: the document's own when positive, else the container default (0 = never expires). */
  public static int effectiveTtl(Document document, int containerDefaultTtl) {
    return document.ttlSeconds() > 0 ? document.ttlSeconds() : Math.max(containerDefaultTtl, 0);
  }
}

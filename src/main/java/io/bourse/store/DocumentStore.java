package io.bourse.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The storage port, shaped like Cosmos DB's document model so the embedded (SQLite) and Cosmos
 * implementations are interchangeable: containers hold JSON documents addressed by (partition key, id);
 * atomicity and queries are scoped to one partition key.
 *
 * <p>Every method is non-blocking and completes on the caller's Vert.x context. Failures are
 * {@link StoreException}s whose {@link StoreException.Kind} maps onto the error catalogue.
 */
public interface DocumentStore {

  /**
   * Creates the container (and its indexes) if missing. Idempotent. Every process calls it for each container it
   * uses before using it; operations on a container not ensured fail with {@code NOT_FOUND}.
   */
  Future<Void> ensureContainer(ContainerSpec spec);

  /** Inserts a new document; fails with {@code CONFLICT} if the id exists in that partition. */
  Future<Document> create(String container, Document document);

  /** Inserts or overwrites unconditionally. */
  Future<Document> upsert(String container, Document document);

  /** Point read; completes with {@code null} when absent (or expired). */
  Future<Document> read(String container, String partitionKey, String id);

  /**
   * Overwrites an existing document. With a non-null {@code ifMatch} ETag the write only happens if the stored
   * ETag is equal ({@code PRECONDITION_FAILED} otherwise); {@code NOT_FOUND} if absent.
   */
  Future<Document> replace(String container, Document document, String ifMatch);

  /** Deletes; {@code NOT_FOUND} if absent, {@code PRECONDITION_FAILED} on an ETag mismatch when ifMatch is set. */
  Future<Void> delete(String container, String partitionKey, String id, String ifMatch);

  /**
   * Query within one partition: filters, ordering, limit (1..1000) and an opaque, signed continuation token (a token
   * that was altered or belongs to another query fails with {@code INVALID_QUERY}). A page may hold fewer than
   * {@code limit} items while a continuation is still returned.
   */
  Future<Page> query(String container, Query query);

  /**
   * Executes up to {@link #MAX_BATCH_OPERATIONS} operations on one partition key atomically: all succeed or none is
   * visible. Results are in operation order (null for deletes). When one operation fails, the failure has that
   * operation's kind and {@link StoreException#operationIndex()}.
   */
  Future<List<Document>> batch(String container, String partitionKey, List<BatchOperation> operations);

  /** Cheap round trip for readiness checks. */
  Future<Void> ping();

  Future<Void> close();

  int MAX_BATCH_OPERATIONS = 100;
}

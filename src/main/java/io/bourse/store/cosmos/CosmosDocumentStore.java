package io.bourse.store.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosAsyncDatabase;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.CosmosDiagnostics;
import com.azure.cosmos.CosmosEndToEndOperationLatencyPolicyConfigBuilder;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.ThrottlingRetryOptions;
import com.azure.cosmos.models.CompositePath;
import com.azure.cosmos.models.CompositePathSortOrder;
import com.azure.cosmos.models.CosmosBatch;
import com.azure.cosmos.models.CosmosBatchItemRequestOptions;
import com.azure.cosmos.models.CosmosBatchOperationResult;
import com.azure.cosmos.models.CosmosBatchResponse;
import com.azure.cosmos.models.CosmosContainerProperties;
import com.azure.cosmos.models.CosmosContainerResponse;
import com.azure.cosmos.models.CosmosDatabaseResponse;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosItemResponse;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.FeedResponse;
import com.azure.cosmos.models.IncludedPath;
import com.azure.cosmos.models.IndexingPolicy;
import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.SqlParameter;
import com.azure.cosmos.models.SqlQuerySpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bourse.store.BatchOperation;
import io.bourse.store.ContainerSpec;
import io.bourse.store.ContinuationTokens;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.Page;
import io.bourse.store.Query;
import io.bourse.store.StoreConfig;
import io.bourse.store.StoreException;
import io.bourse.store.StoreException.Kind;
import io.bourse.store.StoreRules;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * The {@link DocumentStore} on Azure Cosmos DB through the async SDK. Items are stored as
 * {@code {id, pk, ttl?, ...body}} in containers partitioned on {@code /pk}; the system properties Cosmos adds are
 * taken back out into {@link Document#etag()} and {@link Document#timestamp()}.
 *
 * <p>The SDK runs on its own Reactor threads; every result is brought back to the caller's Vert.x context. The
 * configured request timeout is an end-to-end bound per operation, so it also caps the SDK's own retries of
 * throttled requests. Calls slower than the configured threshold are logged with the SDK diagnostics (which carry
 * no credentials).
 */
public final class CosmosDocumentStore implements DocumentStore {
  private static final Logger log = LoggerFactory.getLogger(CosmosDocumentStore.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PARTITION_KEY_PATH = "/pk";

  private final Vertx vertx;
  private final CosmosAsyncClient client;
  private final CosmosAsyncDatabase database;
  private final StoreConfig.Cosmos config;
  private final int maxDocumentBytes;
  private final ContinuationTokens tokens;
  private final Map<String, CosmosAsyncContainer> containers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private CosmosDocumentStore(Vertx vertx, CosmosAsyncClient client, StoreConfig.Cosmos config,
                              int maxDocumentBytes) {
    this.vertx = vertx;
    this.client = client;
    this.database = client.getDatabase(config.database());
    this.config = config;
    this.maxDocumentBytes = maxDocumentBytes;
    this.tokens = new ContinuationTokens(tokenSecret(config.key()));
  }

  /** Connects (off the event loop: building the client fetches the account synchronously) and checks the database. */
  public static Future<DocumentStore> open(Vertx vertx, StoreConfig.Cosmos config, int maxDocumentBytes) {
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
      CosmosClientBuilder builder = new CosmosClientBuilder()
          .endpoint(config.endpoint())
          .key(config.key())
          .endpointDiscoveryEnabled(false)
          .contentResponseOnWriteEnabled(true)
          .throttlingRetryOptions(new ThrottlingRetryOptions()
              .setMaxRetryAttemptsOnThrottledRequests(config.maxRetryAttemptsOnThrottled())
              .setMaxRetryWaitTime(Duration.ofSeconds(config.maxRetryWaitSeconds())))
          .endToEndOperationLatencyPolicyConfig(new CosmosEndToEndOperationLatencyPolicyConfigBuilder(
              Duration.ofMillis(config.requestTimeoutMs())).build());
      builder = config.connectionMode() == StoreConfig.ConnectionMode.DIRECT ? builder.directMode()
          : builder.gatewayMode();
      return builder.buildAsyncClient();
    }, false).recover(e -> Future.failedFuture(map(e))).compose(client -> {
      CosmosDocumentStore store = new CosmosDocumentStore(vertx, client, config, maxDocumentBytes);
      Mono<?> check = config.createIfMissing()
          ? client.createDatabaseIfNotExists(config.database())
          : client.getDatabase(config.database()).read();
      return Future.fromCompletionStage(check.toFuture(), context)
          .<DocumentStore>map(ok -> store)
          .recover(e -> store.close().transform(closed -> Future.failedFuture(map(e))));
    });
  }

  @Override
  public Future<Void> ensureContainer(ContainerSpec spec) {
    return call("ensureContainer", () -> {
      StoreRules.checkContainer(spec.name());
      spec.indexedFields().forEach(StoreRules::checkIndexField);
      Mono<CosmosContainerResponse> ready;
      if (config.createIfMissing()) {
        CosmosContainerProperties properties = new CosmosContainerProperties(spec.name(), PARTITION_KEY_PATH);
        // -1 turns TTL on without a default, so only items carrying a ttl expire.
        properties.setDefaultTimeToLiveInSeconds(spec.defaultTtlSeconds() > 0 ? spec.defaultTtlSeconds() : -1);
        properties.setIndexingPolicy(new IndexingPolicy()
            .setIncludedPaths(List.of(new IncludedPath("/*")))
            .setCompositeIndexes(compositeIndexes(spec)));
        ready = database.createContainerIfNotExists(properties);
      } else {
        ready = database.getContainer(spec.name()).read();
      }
      return ready.doOnNext(response -> containers.put(spec.name(), database.getContainer(spec.name())));
    }, CosmosContainerResponse::getDiagnostics, response -> null);
  }

  /** ORDER BY on a field plus the id tiebreaker needs a composite index in Cosmos, in both directions. */
  private static List<List<CompositePath>> compositeIndexes(ContainerSpec spec) {
    List<String> fields = new ArrayList<>(spec.indexedFields());
    if (!fields.contains(StoreRules.ORDER_BY_TIMESTAMP)) fields.add(StoreRules.ORDER_BY_TIMESTAMP);
    List<List<CompositePath>> indexes = new ArrayList<>();
    for (String field : fields) {
      for (CompositePathSortOrder order : CompositePathSortOrder.values()) {
        indexes.add(List.of(new CompositePath().setPath("/" + field.replace('.', '/')).setOrder(order),
            new CompositePath().setPath("/id").setOrder(order)));
      }
    }
    return indexes;
  }

  @Override
  public Future<Document> create(String container, Document document) {
    return writeItem("create", container, document,
        (c, item, pk) -> c.createItem(item, pk, new CosmosItemRequestOptions()));
  }

  @Override
  public Future<Document> upsert(String container, Document document) {
    return writeItem("upsert", container, document,
        (c, item, pk) -> c.upsertItem(item, pk, new CosmosItemRequestOptions()));
  }

  @Override
  public Future<Document> replace(String container, Document document, String ifMatch) {
    return writeItem("replace", container, document,
        (c, item, pk) -> c.replaceItem(item, document.id(), pk, new CosmosItemRequestOptions().setIfMatchETag(ifMatch)));
  }

  @FunctionalInterface
  private interface ItemWrite {
    Mono<CosmosItemResponse<ObjectNode>> send(CosmosAsyncContainer container, ObjectNode item, PartitionKey pk);
  }

  private Future<Document> writeItem(String operation, String container, Document document, ItemWrite write) {
    return call(operation, () -> {
      CosmosAsyncContainer c = container(container);
      ObjectNode item = item(document);
      return write.send(c, item, new PartitionKey(document.partitionKey()));
    }, CosmosItemResponse::getDiagnostics, CosmosDocumentStore::document);
  }

  @Override
  public Future<Void> delete(String container, String partitionKey, String id, String ifMatch) {
    return call("delete", () -> {
      CosmosAsyncContainer c = container(container);
      StoreRules.checkId("partition key", partitionKey);
      StoreRules.checkId("id", id);
      return c.deleteItem(id, new PartitionKey(partitionKey), new CosmosItemRequestOptions().setIfMatchETag(ifMatch));
    }, CosmosItemResponse::getDiagnostics, r -> null);
  }

  @Override
  public Future<Document> read(String container, String partitionKey, String id) {
    return call("read", () -> {
      CosmosAsyncContainer c = container(container);
      StoreRules.checkId("partition key", partitionKey);
      StoreRules.checkId("id", id);
      return c.readItem(id, new PartitionKey(partitionKey), ObjectNode.class)
          .onErrorResume(e -> e instanceof CosmosException ce && ce.getStatusCode() == 404, e -> Mono.empty());
    }, CosmosItemResponse::getDiagnostics, CosmosDocumentStore::document);
  }

  @Override
  public Future<Page> query(String container, Query query) {
    return call("query", () -> {
      CosmosAsyncContainer c = container(container);
      StoreRules.checkQuery(query);
      String cosmosContinuation = query.continuation() == null ? null
          : tokens.decode(query, query.continuation()).getString("c");
      CosmosQueryRequestOptions options = new CosmosQueryRequestOptions()
          .setPartitionKey(new PartitionKey(query.partitionKey()));
      return c.queryItems(sql(query), options, ObjectNode.class)
          .byPage(cosmosContinuation, query.limit())
          .next();
    }, FeedResponse::getCosmosDiagnostics, response -> {
      List<Document> items = new ArrayList<>(response.getResults().size());
      for (ObjectNode node : response.getResults()) items.add(document(node, null));
      String next = response.getContinuationToken();
      return new Page(items, next == null ? null : tokens.encode(query, new JsonObject().put("c", next)));
    }).map(page -> page == null ? new Page(List.of(), null) : page);
  }

  /** Parameterized SQL: values travel as parameters; field names were validated, and are quoted as properties. */
  static SqlQuerySpec sql(Query query) {
    List<SqlParameter> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT * FROM c WHERE c.pk = @pk");
    params.add(new SqlParameter("@pk", query.partitionKey()));
    int n = 0;
    for (Query.Filter f : query.filters()) {
      String name = "@p" + n++;
      sql.append(" AND ").append(property(f.field())).append(' ').append(StoreRules.sqlOperator(f.op())).append(' ').append(name);
      params.add(new SqlParameter(name, f.value()));
    }
    String order = query.orderBy() == null ? StoreRules.ORDER_BY_ID : query.orderBy();
    String direction = query.descending() ? " DESC" : " ASC";
    if (!order.equals(StoreRules.ORDER_BY_ID) && !order.equals(StoreRules.ORDER_BY_TIMESTAMP)) {
      // Same rule as the embedded store: documents without the ordering field are not part of an ordered result.
      sql.append(" AND IS_DEFINED(").append(property(order)).append(") AND NOT IS_NULL(").append(property(order))
          .append(')');
    }
    sql.append(" ORDER BY ");
    if (!order.equals(StoreRules.ORDER_BY_ID)) sql.append(property(order)).append(direction).append(", ");
    sql.append("c.id").append(direction);
    return new SqlQuerySpec(sql.toString(), params);
  }

  private static String property(String field) {
    if (field.equals(StoreRules.ORDER_BY_ID)) return "c.id";
    if (field.equals(StoreRules.ORDER_BY_TIMESTAMP)) return "c._ts";
    StringBuilder path = new StringBuilder("c");
    for (String part : field.split("\\.")) path.append("[\"").append(part).append("\"]");
    return path.toString();
  }

  @Override
  public Future<List<Document>> batch(String container, String partitionKey, List<BatchOperation> operations) {
    return call("batch", () -> {
      CosmosAsyncContainer c = container(container);
      StoreRules.checkBatch(partitionKey, operations);
      CosmosBatch batch = CosmosBatch.createCosmosBatch(new PartitionKey(partitionKey));
      for (int i = 0; i < operations.size(); i++) {
        BatchOperation op = operations.get(i);
        StoreRules.checkBatchOperation(i, partitionKey, op, maxDocumentBytes);
        CosmosBatchItemRequestOptions options = new CosmosBatchItemRequestOptions().setIfMatchETag(op.ifMatch());
        switch (op.kind()) {
          case CREATE -> batch.createItemOperation(item(op.document()), options);
          case UPSERT -> batch.upsertItemOperation(item(op.document()), options);
          case REPLACE -> batch.replaceItemOperation(op.id(), item(op.document()), options);
          case DELETE -> batch.deleteItemOperation(op.id(), options);
        }
      }
      return c.executeCosmosBatch(batch);
    }, CosmosBatchResponse::getDiagnostics, CosmosDocumentStore::batchResults);
  }

  private static List<Document> batchResults(CosmosBatchResponse response) {
    List<CosmosBatchOperationResult> results = response.getResults();
    // The failing operation carries its own status and every other one reports 424 (failed dependency). Results are
    // checked even when the batch as a whole reports success, so a partial failure is never taken for a success.
    for (int i = 0; i < results.size(); i++) {
      int status = results.get(i).getStatusCode();
      if (status != 424 && !results.get(i).isSuccessStatusCode()) {
        throw StoreException.inBatch(i, statusFailure(status, results.get(i).getSubStatusCode()));
      }
    }
    if (!response.isSuccessStatusCode()) {
      throw statusFailure(response.getStatusCode(), response.getSubStatusCode());
    }
    List<Document> documents = new ArrayList<>(results.size());
    for (CosmosBatchOperationResult result : results) {
      ObjectNode item = result.getItem(ObjectNode.class);
      documents.add(item == null ? null : document(item, result.getETag()));
    }
    return documents;
  }

  @Override
  public Future<Void> ping() {
    return call("ping", database::read, CosmosDatabaseResponse::getDiagnostics, response -> null);
  }

  @Override
  public Future<Void> close() {
    if (closed) return Future.succeededFuture();
    closed = true;
    // close() waits for the SDK's threads and connections, so it runs on a worker.
    return vertx.executeBlocking(() -> {
      client.close();
      return null;
    }, false);
  }

  // ---------------------------------------------------------------- plumbing

  private CosmosAsyncContainer container(String name) {
    StoreRules.checkContainer(name);
    CosmosAsyncContainer c = containers.get(name);
    if (c == null) {
      throw new StoreException(Kind.NOT_FOUND, "container '" + name + "' is not known (ensureContainer first)");
    }
    return c;
  }

  private ObjectNode item(Document document) {
    String body = StoreRules.checkDocument(document, maxDocumentBytes);
    try {
      ObjectNode item = (ObjectNode) MAPPER.readTree(body);
      item.put("id", document.id());
      item.put("pk", document.partitionKey());
      if (document.ttlSeconds() > 0) item.put("ttl", document.ttlSeconds());
      return item;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Vert.x produced JSON that Jackson cannot read", e);
    }
  }

  private static Document document(CosmosItemResponse<ObjectNode> response) {
    ObjectNode item = response.getItem();
    return item == null ? null : document(item, response.getETag());
  }

  private static Document document(ObjectNode item, String etag) {
    String id = item.path("id").asText();
    String pk = item.path("pk").asText();
    int ttl = item.path("ttl").asInt(0);
    String storedEtag = item.path("_etag").asText(etag);
    long timestamp = TimeUnit.SECONDS.toMillis(item.path("_ts").asLong(0));
    item.remove(StoreRules.RESERVED_FIELDS);
    Iterator<String> names = item.fieldNames();
    while (names.hasNext()) {
      if (names.next().startsWith("_")) names.remove();
    }
    try {
      return new Document(id, pk, new JsonObject(MAPPER.writeValueAsString(item)), storedEtag, timestamp, ttl);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Jackson cannot write a tree it parsed", e);
    }
  }

  /**
   * Runs one SDK call: validation happens on the caller's thread, conversion on the SDK's thread, and the result
   * (or the classified failure) is delivered on the caller's context.
   */
  private <R, T> Future<T> call(String operation, Supplier<Mono<R>> request,
                                Function<R, CosmosDiagnostics> diagnostics, Function<R, T> convert) {
    Context context = vertx.getOrCreateContext();
    if (closed) return Future.failedFuture(new StoreException(Kind.UNAVAILABLE, "cosmos store is closed"));
    Mono<T> mono;
    try {
      long start = System.nanoTime();
      mono = request.get()
          .<T>handle((response, sink) -> {
            logIfSlow(operation, start, diagnostics.apply(response));
            // Reactor forbids null elements; an empty Mono completes the future with null (void results, absent reads).
            T result = convert.apply(response);
            if (result != null) sink.next(result);
          })
          .doOnError(CosmosException.class, e -> logIfSlow(operation, start, e.getDiagnostics()));
    } catch (StoreException e) {
      return Future.failedFuture(e);
    } catch (IllegalStateException e) {
      return Future.failedFuture(map(e));
    }
    return Future.fromCompletionStage(mono.toFuture(), context).recover(e -> Future.failedFuture(map(e)));
  }

  private void logIfSlow(String operation, long startNanos, CosmosDiagnostics diagnostics) {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    if (millis >= config.slowCallThresholdMs()) {
      log.warn("slow cosmos {} took {} ms (threshold {} ms); diagnostics: {}", operation, millis,
          config.slowCallThresholdMs(), diagnostics);
    }
  }

  static StoreException map(Throwable failure) {
    Throwable e = Exceptions.unwrap(failure);
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof StoreException se) return se;
    if (e instanceof CosmosException ce) return statusFailure(ce.getStatusCode(), ce.getSubStatusCode(), ce);
    if (e instanceof TimeoutException) {
      return new StoreException(Kind.TIMEOUT, "cosmos did not answer in time", e);
    }
    return new StoreException(Kind.UNAVAILABLE, "cosmos call failed: " + e.getClass().getSimpleName(), e);
  }

  private static StoreException statusFailure(int status, int subStatus) {
    return statusFailure(status, subStatus, null);
  }

  private static StoreException statusFailure(int status, int subStatus, Throwable cause) {
    String what = "cosmos returned " + status + (subStatus == 0 ? "" : "/" + subStatus);
    Kind kind = switch (status) {
      case 400 -> Kind.INVALID_QUERY;
      case 404 -> Kind.NOT_FOUND;
      case 408 -> Kind.TIMEOUT;
      case 409 -> Kind.CONFLICT;
      case 412 -> Kind.PRECONDITION_FAILED;
      case 413 -> Kind.TOO_LARGE;
      case 429 -> Kind.THROTTLED;
      default -> Kind.UNAVAILABLE;
    };
    return new StoreException(kind, what, cause);
  }

  /** Derived from the account key, so every instance signs alike and nothing secret is stored separately. */
  private static byte[] tokenSecret(String accountKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(accountKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal("bourse-continuation-tokens".getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JRE", e);
    }
  }
}

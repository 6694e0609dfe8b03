package io.bourse.store.embedded;

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
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded {@link DocumentStore}: one SQLite file in WAL mode, one table per container.
 *
 * <p>Threads. JDBC never runs on an event loop. All writes go through one dedicated writer thread that drains its
 * queue and commits everything pending in a single transaction (group commit): under concurrency many writers share
 * one commit, which is what makes acknowledged writes cheap. Reads run on a small pool, one connection per thread;
 * WAL lets them proceed while the writer commits. Every result is handed back on the context the caller was on.
 *
 * <p>Durability ({@code store.embedded.synchronous}). A write is acknowledged only after its transaction committed.
 * With {@code NORMAL} (the default) SQLite in WAL mode does not fsync on commit, only at checkpoints: acknowledged
 * writes survive a process crash (kill -9), because the WAL is in the OS page cache, but the last commits can be lost
 * if the operating system crashes or the power fails. {@code FULL} fsyncs the WAL on every commit: acknowledged writes
 * survive power loss too, at the cost of one fsync per group commit (group commit keeps that shared across writers).
 *
 * <p>Expiry. A document with a TTL gets {@code expires_at}; reads and queries ignore expired rows at once, and the
 * writer purges them periodically.
 */
public final class SqliteDocumentStore implements DocumentStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteDocumentStore.class);

  static final int SCHEMA_VERSION = 1;
  private static final int MAX_GROUP = 512;
  private static final int QUEUE_CAPACITY = 16_384;
  private static final long PURGE_INTERVAL_MS = 60_000;
  private static final int BUSY_TIMEOUT_MS = 2_000;
  /**
   * Short, so each passive pass copies little: at 200 ms a pass copied ~16 MB in one burst of CPU, and on two cores
   * the orders of that moment waited for it (p99 at 500 orders/s 18.5-23.2 ms over four runs, spikes every 200 ms);
   * at 50 ms 10.8-20.1 ms (three of four runs ~11 ms), at no more CPU per order (docs/BENCHMARKS.md).
   */
  private static final long CHECKPOINT_INTERVAL_MS = 50;
  private static final int CHECKPOINT_RESTART_WAIT_MS = 20;
  private static final long WAL_SIZE_LIMIT_BYTES = 64L * 1024 * 1024;
  private static final int PAGE_CACHE_KIB = 16 * 1024;

  private final Vertx vertx;
  private final String url;
  private final StoreConfig.Synchronous synchronous;
  private final int maxDocumentBytes;
  private final BlockingQueue<WriteTask> writes = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Map<String, Integer> containers = new ConcurrentHashMap<>();
  private final ExecutorService readers;
  private final ThreadLocal<CachedConnection> readerConnection = new ThreadLocal<>();
  private final List<CachedConnection> readerConnections = new ArrayList<>();
  private final Thread writerThread;
  private final WalCheckpointer checkpointer;
  private final Promise<Void> writerStopped = Promise.promise();
  private volatile boolean closed;
  private CachedConnection writer;
  /** Set once at start on a worker; volatile so every reader and caller thread sees it. */
  private volatile ContinuationTokens tokens;
  private long purgeTimer;

  private SqliteDocumentStore(Vertx vertx, StoreConfig.Embedded config, int maxDocumentBytes) {
    this.vertx = vertx;
    // No generated-keys retrieval: the store never asks for row ids, and with it on the driver runs a regular
    // expression over the SQL of every executed statement (a visible share of the writer thread under order entry).
    this.url = "jdbc:sqlite:" + config.file().toAbsolutePath() + "?jdbc.get_generated_keys=false";
    this.synchronous = config.synchronous();
    this.maxDocumentBytes = maxDocumentBytes;
    AtomicInteger readerIds = new AtomicInteger();
    this.readers = Executors.newFixedThreadPool(config.readPoolSize(), r -> {
      Thread t = new Thread(r, "bourse-store-reader-" + readerIds.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.checkpointer = new WalCheckpointer(url, config.file().toAbsolutePath(), CHECKPOINT_INTERVAL_MS,
        CHECKPOINT_RESTART_WAIT_MS);
    this.writerThread = new Thread(this::writeLoop, "bourse-store-writer");
    this.writerThread.setDaemon(true);
  }

  /** Opens (creating or migrating) the database file; completes once the schema is ready. */
  public static Future<DocumentStore> open(Vertx vertx, StoreConfig.Embedded config, int maxDocumentBytes) {
    SqliteDocumentStore store = new SqliteDocumentStore(vertx, config, maxDocumentBytes);
    return vertx.<Void>executeBlocking(() -> {
      try {
        store.start(config.file());
      } catch (SQLException | IOException | RuntimeException e) {
        store.readers.shutdown();
        if (store.writer != null) store.writer.closeQuietly();
        throw e;
      }
      return null;
    }, false).map(v -> {
      store.writerThread.start();
      store.checkpointer.start();
      store.purgeTimer = vertx.setPeriodic(PURGE_INTERVAL_MS, id -> store.purgeExpired());
      return (DocumentStore) store;
    }).recover(e -> Future.failedFuture(new StoreException(Kind.UNAVAILABLE,
        "cannot open the embedded store at " + config.file() + ": " + e.getMessage(), e)));
  }

  private void start(Path file) throws SQLException, IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    Connection connection = DriverManager.getConnection(url);
    writer = new CachedConnection(connection);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + synchronous.name());
      s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
      // Checkpoints run on their own thread (WalCheckpointer); a reset log is cut back to this size.
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("PRAGMA journal_size_limit=" + WAL_SIZE_LIMIT_BYTES);
      // Statement journals (what a savepoint or a statement inside the group transaction may need to undo) stay in
      // memory: by default SQLite spills them to a temporary file past 64 KiB, and rewrites that file on every batch.
      s.execute("PRAGMA temp_store=MEMORY");
      tunePageAccess(s);
    }
    connection.setAutoCommit(false);
    Schema.migrate(connection);
    tokens = new ContinuationTokens(Schema.tokenSecret(connection));
    containers.putAll(Schema.containers(connection));
    connection.commit();
  }

  // ---------------------------------------------------------------- port

  @Override
  public Future<Void> ensureContainer(ContainerSpec spec) {
    return this.<Void>submit(() -> {
      StoreRules.checkContainer(spec.name());
      spec.indexedFields().forEach(StoreRules::checkIndexField);
      return conn -> {
        Schema.ensureContainer(conn.connection(), spec);
        return null;
      };
    }).onSuccess(v -> containers.put(spec.name(), Math.max(spec.defaultTtlSeconds(), 0)));
  }

  @Override
  public Future<Document> create(String container, Document document) {
    return writeDocument(container, document, Writes::create);
  }

  @Override
  public Future<Document> upsert(String container, Document document) {
    return writeDocument(container, document, Writes::upsert);
  }

  @Override
  public Future<Document> replace(String container, Document document, String ifMatch) {
    return writeDocument(container, document,
        (conn, table, doc, body, ttl) -> Writes.replace(conn, table, doc, body, ttl, ifMatch));
  }

  @FunctionalInterface
  private interface DocumentWrite {
    Document run(CachedConnection conn, String table, Document document, String body, int ttl) throws SQLException;
  }

  private Future<Document> writeDocument(String container, Document document, DocumentWrite write) {
    return submit(() -> {
      String table = table(container);
      String body = StoreRules.checkDocument(document, maxDocumentBytes);
      int ttl = StoreRules.effectiveTtl(document, containers.get(container));
      return conn -> write.run(conn, table, document, body, ttl);
    });
  }

  @Override
  public Future<Void> delete(String container, String partitionKey, String id, String ifMatch) {
    return submit(() -> {
      String table = table(container);
      StoreRules.checkId("partition key", partitionKey);
      StoreRules.checkId("id", id);
      return conn -> {
        Writes.delete(conn, table, partitionKey, id, ifMatch);
        return null;
      };
    });
  }

  @Override
  public Future<List<Document>> batch(String container, String partitionKey, List<BatchOperation> operations) {
    return submit(() -> {
      String table = table(container);
      StoreRules.checkBatch(partitionKey, operations);
      int defaultTtl = containers.get(container);
      List<String> bodies = new ArrayList<>(operations.size());
      for (int i = 0; i < operations.size(); i++) {
        bodies.add(StoreRules.checkBatchOperation(i, partitionKey, operations.get(i), maxDocumentBytes));
      }
      return conn -> Writes.batch(conn, table, partitionKey, operations, bodies, defaultTtl);
    });
  }

  @Override
  public Future<Document> read(String container, String partitionKey, String id) {
    return readOnPool(() -> {
      String table = table(container);
      StoreRules.checkId("partition key", partitionKey);
      StoreRules.checkId("id", id);
      return conn -> Reads.point(conn, table, partitionKey, id);
    });
  }

  @Override
  public Future<Page> query(String container, Query query) {
    return readOnPool(() -> {
      String table = table(container);
      StoreRules.checkQuery(query);
      JsonObject after = query.continuation() == null ? null : tokens.decode(query, query.continuation());
      return conn -> Reads.query(conn, table, query, after, tokens);
    });
  }

  @Override
  public Future<Void> ping() {
    return readOnPool(() -> conn -> {
      conn.statement("SELECT 1").executeQuery().close();
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    Context context = vertx.getOrCreateContext();
    if (!closed) {
      closed = true;
      vertx.cancelTimer(purgeTimer);
      // Wakes the writer: it finishes what is queued, then leaves its loop and closes the connections.
      if (!writes.offer(WriteTask.STOP)) writerThread.interrupt();
    }
    // The writer thread completes writerStopped; callers get the outcome on their own context.
    Promise<Void> stopped = Promise.promise();
    writerStopped.future().onComplete(ar -> context.runOnContext(v -> stopped.handle(ar)));
    return stopped.future();
  }

  // ---------------------------------------------------------------- plumbing

  private String table(String container) {
    StoreRules.checkContainer(container);
    if (!containers.containsKey(container)) {
      throw new StoreException(Kind.NOT_FOUND, "container '" + container + "' does not exist (ensureContainer first)");
    }
    return "c_" + container;
  }

  /** Work prepared on the caller's thread (validation, encoding) that yields the JDBC step to run. */
  @FunctionalInterface
  private interface Prepared<T, C> {
    SqlStep<T, C> prepare();
  }

  @FunctionalInterface
  interface SqlStep<T, C> {
    T run(C connection) throws SQLException;
  }

  private <T> Future<T> submit(Prepared<T, CachedConnection> prepared) {
    return dispatch(prepared, this::enqueueWrite);
  }

  private <T> Future<T> readOnPool(Prepared<T, CachedConnection> prepared) {
    return dispatch(prepared, this::runRead);
  }

  @FunctionalInterface
  private interface Dispatcher {
    /** Hands the step to its thread; throws a StoreException if that thread cannot take it. */
    void dispatch(SqlStep<Object, CachedConnection> step, Context context, Promise<Object> promise);
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> dispatch(Prepared<T, CachedConnection> prepared, Dispatcher dispatcher) {
    Context context = vertx.getOrCreateContext();
    if (closed) return Future.failedFuture(closedFailure());
    Promise<T> promise = Promise.promise();
    try {
      SqlStep<T, CachedConnection> step = prepared.prepare();
      dispatcher.dispatch((SqlStep<Object, CachedConnection>) step, context, (Promise<Object>) promise);
    } catch (StoreException e) {
      return Future.failedFuture(e);
    }
    return promise.future();
  }

  private void enqueueWrite(SqlStep<Object, CachedConnection> step, Context context, Promise<Object> promise) {
    // If close() ran since the check in dispatch, the writer fails this task while shutting down.
    if (!writes.offer(new WriteTask(step, context, promise))) {
      throw new StoreException(Kind.UNAVAILABLE, "embedded store write queue is full");
    }
  }

  private void runRead(SqlStep<Object, CachedConnection> step, Context context, Promise<Object> promise) {
    try {
      readers.execute(() -> {
        Object outcome;
        try {
          if (closed) throw closedFailure();
          outcome = step.run(readerConnection());
        } catch (SQLException e) {
          outcome = classify(e);
        } catch (RuntimeException e) {
          outcome = e;
        }
        deliver(context, promise, outcome);
      });
    } catch (RejectedExecutionException e) {
      throw closedFailure();
    }
  }

  private static <T> void deliver(Context context, Promise<T> promise, Object outcome) {
    context.runOnContext(v -> complete(promise, outcome));
  }

  /** Tolerates a second completion: a writer that dies mid-group fails tasks it may already have answered. */
  @SuppressWarnings("unchecked")
  private static <T> void complete(Promise<T> promise, Object outcome) {
    if (outcome instanceof Throwable t) promise.tryFail(t);
    else promise.tryComplete((T) outcome);
  }

  /**
   * A larger page cache: with SQLite's default of 2 MB the writer re-read evicted index and table pages through a
   * pread each, 8 % of its samples under order entry (perf, docs/BENCHMARKS.md). Memory-mapped I/O would save the
   * reads too, but SQLite cannot catch an I/O error on a mapped page (the process gets SIGBUS), so it stays off.
   */
  private static void tunePageAccess(Statement s) throws SQLException {
    s.execute("PRAGMA cache_size=-" + PAGE_CACHE_KIB);
  }

  private CachedConnection readerConnection() throws SQLException {
    CachedConnection conn = readerConnection.get();
    if (conn == null) {
      Connection c = DriverManager.getConnection(url);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
        s.execute("PRAGMA query_only=ON");
        tunePageAccess(s);
      }
      conn = new CachedConnection(c);
      readerConnection.set(conn);
      synchronized (readerConnections) {
        readerConnections.add(conn);
      }
    }
    return conn;
  }

  private static StoreException closedFailure() {
    return new StoreException(Kind.UNAVAILABLE, "embedded store is closed");
  }

  static StoreException classify(SQLException e) {
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode code = se.getResultCode();
      String name = code == null ? "UNKNOWN" : code.name();
      return new StoreException(Kind.UNAVAILABLE, "embedded store failed (" + name + "): " + e.getMessage(), e);
    }
    return new StoreException(Kind.UNAVAILABLE, "embedded store failed: " + e.getMessage(), e);
  }

  /** Deletes expired rows of every container; runs periodically, and completes with how many went. */
  Future<Integer> purgeExpired() {
    return submit(() -> conn -> {
      int purged = 0;
      for (String container : Set.copyOf(containers.keySet())) {
        purged += Writes.purgeExpired(conn, "c_" + container);
      }
      return purged;
    }).onSuccess(n -> {
      if (n > 0) log.debug("purged {} expired documents", n);
    });
  }

  // ---------------------------------------------------------------- writer thread

  private record WriteTask(SqlStep<Object, CachedConnection> step, Context context, Promise<Object> promise) {
    static final WriteTask STOP = new WriteTask(null, null, null);
  }

  private void writeLoop() {
    List<WriteTask> group = new ArrayList<>(MAX_GROUP);
    try {
      boolean stopping = false;
      while (!stopping) {
        group.add(writes.take());
        writes.drainTo(group, MAX_GROUP - 1);
        if (group.remove(WriteTask.STOP)) stopping = true;
        checkpointer.passWriterGate();
        commitGroup(group);
        group.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Error e) {
      // Callers must never wait forever: the store closes itself and fails whatever it still holds.
      log.error("embedded store writer stopped; the store is closed", e);
    } finally {
      closed = true;
      writes.drainTo(group);
      for (WriteTask t : group) {
        if (t != WriteTask.STOP) deliver(t.context(), t.promise(), closedFailure());
      }
      shutdownConnections();
    }
  }

  /** Runs each task in the group inside one transaction; a task's own failure (e.g. conflict) fails only it. */
  private void commitGroup(List<WriteTask> group) {
    if (group.isEmpty()) return;
    Object[] outcomes = new Object[group.size()];
    long started = System.nanoTime();
    try {
      for (int i = 0; i < group.size(); i++) {
        try {
          outcomes[i] = group.get(i).step().run(writer);
        } catch (StoreException e) {
          outcomes[i] = e;
        }
      }
      writer.connection().commit();
    } catch (SQLException | RuntimeException e) {
      StoreException failure = e instanceof SQLException se ? classify(se)
          : new StoreException(Kind.UNAVAILABLE, "embedded store write failed: " + e.getMessage(), e);
      log.warn("group commit of {} writes failed; none was acknowledged", group.size(), e);
      try {
        writer.connection().rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      Arrays.fill(outcomes, failure);
    }
    slowCommits.record(System.nanoTime() - started, group.size());
    // One hand-off per caller context rather than per write: with many writers on few event loops this saves most
    // of the cross-thread wake-ups, and keeps completions in commit order within each context.
    Map<Context, List<Runnable>> completions = new IdentityHashMap<>();
    for (int i = 0; i < group.size(); i++) {
      WriteTask t = group.get(i);
      Object outcome = outcomes[i];
      completions.computeIfAbsent(t.context(), c -> new ArrayList<>()).add(() -> complete(t.promise(), outcome));
    }
    completions.forEach((context, runs) -> context.runOnContext(v -> runs.forEach(Runnable::run)));
  }

  /**
   * Group commits slower than {@link #SLOW_COMMIT_MS}: every caller in the group waited that long, so a latency spike
   * in order entry can be told apart from one elsewhere. At most one warning per {@link #SLOW_LOG_INTERVAL_MS}; slow
   * commits in between are counted into the next one. Writer thread only.
   */
  private static final class SlowCommits {
    private long count;
    private long worstNanos;
    private int worstGroup;
    private long loggedAt;

    void record(long nanos, int groupSize) {
      if (nanos < TimeUnit.MILLISECONDS.toNanos(SLOW_COMMIT_MS)) return;
      count++;
      if (nanos > worstNanos) {
        worstNanos = nanos;
        worstGroup = groupSize;
      }
      long now = System.currentTimeMillis();
      if (now - loggedAt < SLOW_LOG_INTERVAL_MS) return;
      log.warn("{} group commit(s) took over {} ms since the last report, the slowest {} ms for {} writes",
          count, SLOW_COMMIT_MS, TimeUnit.NANOSECONDS.toMillis(worstNanos), worstGroup);
      loggedAt = now;
      count = 0;
      worstNanos = 0;
    }
  }

  private static final long SLOW_COMMIT_MS = 100;
  private static final long SLOW_LOG_INTERVAL_MS = 10_000;
  private final SlowCommits slowCommits = new SlowCommits();

  private void shutdownConnections() {
    checkpointer.stop();
    readers.shutdown();
    try {
      // Reads in flight finish quickly (busy timeout bounded); their connections are closed after them.
      readers.awaitTermination(BUSY_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (readerConnections) {
      for (CachedConnection c : readerConnections) c.closeQuietly();
    }
    writer.closeQuietly();
    writerStopped.tryComplete();
  }

  /** A connection owned by one thread, with its prepared statements reused across calls. */
  static final class CachedConnection {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    CachedConnection(Connection connection) { this.connection = connection; }

    Connection connection() { return connection; }

    PreparedStatement statement(String sql) throws SQLException {
      PreparedStatement ps = statements.get(sql);
      if (ps == null) {
        ps = connection.prepareStatement(sql);
        statements.put(sql, ps);
      }
      return ps;
    }

    void closeQuietly() {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing an embedded store connection failed", e);
      }
    }
  }

  static String newEtag() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(System.currentTimeMillis()) + "-" + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}

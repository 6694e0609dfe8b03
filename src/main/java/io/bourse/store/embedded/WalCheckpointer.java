package io.bourse.store.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log back into the database file on its own thread and connection, so the writer never does.
 *
 * <p>Why: with SQLite's automatic checkpoints, the commit that takes the WAL past its threshold (1,000 pages) also
 * copies those pages into the database file and, at {@code synchronous=NORMAL}, fsyncs it before returning. The group
 * commit and every caller waiting on it stall for that time: under order entry those commits were the 11–45 ms tail
 * of the store's commit latency. A {@code PASSIVE} checkpoint on another connection runs beside the writer (SQLite
 * allows one checkpointer and one writer at once) and copies what is committed. Durability is unchanged: what a commit
 * made durable does not depend on when its pages reach the database file.
 *
 * <p>A passive checkpoint alone never lets the log start over while writes keep coming: SQLite rewinds the log only
 * when a write transaction begins with every frame copied, and by the time a passive pass ends the writer has appended
 * more. Under steady order entry the log grew without end (1.77 GB within a minute at 1,000 orders/s), every frame
 * went to a new part of the file (a page-cache allocation and an ext4 block reservation per write: 40% of the writer
 * thread's CPU was {@code pwrite}) and every page lookup searched a longer log index. So once the log holds more than
 * {@link #RESTART_FRAMES}, a {@code RESTART} checkpoint follows the passive one: it copies the few frames committed
 * since, waits for readers to leave the log, and holds the writer back only for that (the passive pass did the bulk),
 * so the next transaction rewinds the log and overwrites pages already in the page cache.
 */
final class WalCheckpointer {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  /** WAL frames past which a checkpoint that cannot keep up is worth a warning (about 400 MB of 4 KiB pages). */
  private static final long WARN_FRAMES = 100_000;
  /** Log size, in frames, past which the log is rewound (about 8 MB of 4 KiB pages). */
  static final long RESTART_FRAMES = 2_048;

  private final String url;
  private final Path databaseFile;
  private final long intervalMs;
  /**
   * How long a {@code RESTART} may wait for the writer and for readers to leave the log. It holds the writer back while
   * it waits, so the wait is short: a checkpoint that could not get through is tried again at the next interval.
   * (A {@code PASSIVE} checkpoint never waits.)
   */
  private final int restartWaitMs;
  private final Thread thread;
  /**
   * Held by this thread while a {@code RESTART} runs; the writer passes it before each transaction. Why: SQLite lets a
   * restart in only between two write transactions, and it only polls for that gap (sleeping 1, 2, 5, 10 ms ...
   * between tries); a writer that always had the next group queued left no gap it could hit, and the log grew by
   * hundreds of megabytes within seconds (SqliteDocumentStoreTest's rewind test failed so, once, in a full run). The
   * writer now waits here instead, for the restart's length only.
   */
  private final ReentrantLock writerGate = new ReentrantLock();
  private volatile boolean running = true;
  private long warnedAt;

  WalCheckpointer(String url, Path databaseFile, long intervalMs, int restartWaitMs) {
    this.url = url;
    this.databaseFile = databaseFile;
    this.intervalMs = intervalMs;
    this.restartWaitMs = restartWaitMs;
    this.thread = new Thread(this::loop, "bourse-store-checkpoint");
    this.thread.setDaemon(true);
  }

  void start() { thread.start(); }

  /** Called by the writer before each transaction: waits while a {@code RESTART} is under way (see writerGate). */
  void passWriterGate() {
    writerGate.lock();
    writerGate.unlock();
  }

  /** Stops the thread and waits for a checkpoint in progress to finish. */
  void stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + restartWaitMs);
      while (running) {
        try {
          // This thread is the checkpointer's own (started in start(), never an event loop): sleeping is its pacing.
          Thread.sleep(intervalMs);
        } catch (InterruptedException e) {
          break;
        }
        checkpoint(s);
      }
    } catch (SQLException e) {
      log.error("WAL checkpointer stopped; the log grows until the store is reopened", e);
    }
  }

  private void checkpoint(Statement s) {
    try {
      long frames = run(s, "PASSIVE");
      if (frames > RESTART_FRAMES) {
        syncDatabaseFile();
        // What was committed during the sync, copied without holding anyone back.
        run(s, "PASSIVE");
        writerGate.lock();
        try {
          frames = run(s, "RESTART");
        } finally {
          writerGate.unlock();
        }
      }
      if (frames > WARN_FRAMES && System.currentTimeMillis() - warnedAt > 60_000) {
        warnedAt = System.currentTimeMillis();
        log.warn("WAL holds {} frames and could not be rewound (long-running reads hold it)", frames);
      }
    } catch (SQLException e) {
      log.warn("WAL checkpoint failed, retrying: {}", e.getMessage());
    }
  }

  /**
   * Flushes what the passive pass copied into the database file before the {@code RESTART}, which fsyncs the file
   * while it holds the writer back: then that fsync finds little left to write. Measured at 500 orders/s: a restart
   * held the writer 12.6 ms on average (58 ms at worst) without this, 7.6 ms (34 ms) with it. Syncing more often than
   * SQLite would is harmless; a failure here only leaves the work to the restart's own fsync.
   */
  private void syncDatabaseFile() {
    try (FileChannel file = FileChannel.open(databaseFile, StandardOpenOption.WRITE)) {
      file.force(false);
    } catch (IOException e) {
      log.debug("Early sync of {} failed; the checkpoint syncs it: {}", databaseFile, e.toString());
    }
  }

  /**
   * One checkpoint in {@code mode}; returns the frames the log still holds afterwards, 0 once a restart went through
   * (the next write transaction rewinds the log).
   */
  private static long run(Statement s, String mode) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      if (!rs.next()) return 0;
      boolean busy = rs.getInt(1) != 0;
      long frames = rs.getLong(2);
      return busy || mode.equals("PASSIVE") ? frames : 0;
    }
  }
}

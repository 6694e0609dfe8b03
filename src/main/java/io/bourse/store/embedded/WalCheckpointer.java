package io.bourse.store.embedded;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log back into the database file on its own thread and connection, so the writer never does.
 *
 * <p>Why: with SQLite's automatic checkpoints, the commit that takes the WAL past its threshold (1,000 pages) also
 * copies those pages into the database file and, at {@code synchronous=NORMAL}, fsyncs it before returning. The group
 * commit and every caller waiting on it stall for that time: under order entry those commits were the 11–45 ms tail
 * of the store's commit latency. A {@code PASSIVE} checkpoint on another connection runs beside the writer (SQLite
 * allows one checkpointer and one writer at once), copies what is committed, and the writer restarts the log from the
 * beginning on its next transaction once everything was copied. Durability is unchanged: what a commit made durable
 * does not depend on when its pages reach the database file.
 */
final class WalCheckpointer {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  /** WAL frames past which a checkpoint that cannot keep up is worth a warning (about 400 MB of 4 KiB pages). */
  private static final long WARN_FRAMES = 100_000;

  private final String url;
  private final long intervalMs;
  private final int busyTimeoutMs;
  private final Thread thread;
  private volatile boolean running = true;
  private long warnedAt;

  WalCheckpointer(String url, long intervalMs, int busyTimeoutMs) {
    this.url = url;
    this.intervalMs = intervalMs;
    this.busyTimeoutMs = busyTimeoutMs;
    this.thread = new Thread(this::loop, "bourse-store-checkpoint");
    this.thread.setDaemon(true);
  }

  void start() { thread.start(); }

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
      s.execute("PRAGMA busy_timeout=" + busyTimeoutMs);
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
    try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      if (rs.next()) {
        long frames = rs.getLong(2);
        long copied = rs.getLong(3);
        if (frames - copied > WARN_FRAMES && System.currentTimeMillis() - warnedAt > 60_000) {
          warnedAt = System.currentTimeMillis();
          log.warn("WAL checkpoint is behind: {} of {} frames copied (long-running reads hold it back)", copied, frames);
        }
      }
    } catch (SQLException e) {
      log.warn("WAL checkpoint failed, retrying: {}", e.getMessage());
    }
  }
}

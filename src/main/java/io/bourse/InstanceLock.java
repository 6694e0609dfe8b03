package io.bourse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Bourse process per data directory: the service and the {@code reconcile} tool both take this lock, so the tool
 * cannot run beside a live service (two processes would each be the "single writer" of the same accounts) and two
 * services cannot share an embedded store. An OS file lock: a killed process releases it with its file descriptors.
 */
final class InstanceLock {
  static final String FILE = "bourse.lock";

  private final FileLock lock;

  private InstanceLock(FileLock lock) { this.lock = lock; }

  /** Takes the lock on a worker; fails, naming the directory, if another process holds it. */
  static Future<InstanceLock> acquire(Vertx vertx, Path dataDir) {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dataDir);
      FileLock lock = io.bourse.common.ProcessLocks.tryLock(dataDir.resolve(FILE));
      if (lock == null) {
        throw new IOException("the data directory " + dataDir.toAbsolutePath() + " is in use by another Bourse process"
            + " (" + FILE + " is locked); stop it first");
      }
      return new InstanceLock(lock);
    }, false);
  }

  /** Releases the lock (closing its channel). */
  Future<Void> release(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      lock.channel().close();
      return null;
    }, false);
  }
}

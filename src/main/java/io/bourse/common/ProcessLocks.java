package io.bourse.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Exclusive OS file locks that keep a second process off a directory (released when the holder closes or dies). */
public final class ProcessLocks {
  private ProcessLocks() {}

  /** The lock on {@code file} (created if absent), or null if another process (or this one) holds it. */
  public static FileLock tryLock(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) channel.close();
    return lock;
  }
}

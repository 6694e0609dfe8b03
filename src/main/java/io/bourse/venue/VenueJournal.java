package io.bourse.venue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper venue's own durable journal: an append-only file of JSON lines under {@code <dataDir>/venue/}, one line
 * per command (all the events one submit, cancel or mark produced), each prefixed with its CRC-32.
 *
 * <p>Why a plain append-only file rather than the embedded document store: the venue stands for an exchange, a
 * separate failure domain, so it shares no code path or file with Bourse's store (reliability.md §4.2 asks for
 * exactly this: "a separate process with its own append-only journal"); its state is an event fold, which an
 * ordered log expresses directly while the store would need a document per order plus one per execution and a
 * multi-partition read to rebuild; and a single line per command makes each command atomic on disk without
 * transactions (a torn last line fails its CRC and is dropped: it was never acknowledged).
 *
 * <p>Durability: nothing is acknowledged or pushed before {@link #append}'s future completes, which happens after
 * the line was written and {@code fsync}ed ({@link FileChannel#force}). Writes are group-committed: while one write
 * is in flight on a worker thread, later commands queue and go out together with one fsync. Only the event loop
 * calls {@link #append} and {@link #barrier}; blocking I/O runs in {@code executeBlocking}. A lock file keeps a
 * second venue process off the same journal.
 */
final class VenueJournal {
  private static final Logger log = LoggerFactory.getLogger(VenueJournal.class);
  static final String FILE = "journal.log";
  static final String LOCK = "venue.lock";

  private final Vertx vertx;
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private List<Pending> queued = new ArrayList<>();
  private boolean writing;
  private Future<Void> last = Future.succeededFuture();
  private Throwable failed;

  private record Pending(byte[] line, Promise<Void> promise) {}

  /** What the journal held when it was opened, one list of events per command, oldest first. */
  record Opened(VenueJournal journal, List<List<JournalEvent>> commands) {}

  /** {@code lock} holds the lock file's channel ({@link FileLock#channel()}); closing that channel releases it. */
  private VenueJournal(Vertx vertx, Path file, FileChannel channel, FileLock lock) {
    this.vertx = vertx;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Opens (creating if needed) the journal in {@code dir} and reads it back; blocking work runs on a worker. */
  static Future<Opened> open(Vertx vertx, Path dir) {
    return vertx.executeBlocking(() -> openBlocking(vertx, dir), false);
  }

  private static Opened openBlocking(Vertx vertx, Path dir) throws IOException {
    Files.createDirectories(dir);
    FileLock lock = io.bourse.common.ProcessLocks.tryLock(dir.resolve(LOCK));
    if (lock == null) throw new IOException("another paper venue is using the journal in " + dir);
    try {
      Path file = dir.resolve(FILE);
      boolean created = !Files.exists(file);
      List<List<JournalEvent>> commands = created ? List.of() : read(file);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      if (created) {
        channel.force(true);
        syncDirectory(dir);
      }
      return new Opened(new VenueJournal(vertx, file, channel, lock), commands);
    } catch (IOException | RuntimeException e) {
      lock.channel().close();
      throw e;
    }
  }

  /** Reads every complete, intact line; a torn or corrupt last line is cut off, a corrupt earlier one is fatal. */
  private static List<List<JournalEvent>> read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<List<JournalEvent>> commands = new ArrayList<>();
    int start = 0;
    int lineNo = 0;
    while (start < bytes.length) {
      lineNo++;
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') end++;
      List<JournalEvent> events = end < bytes.length ? parse(new String(bytes, start, end - start,
          StandardCharsets.UTF_8)) : null;
      if (events == null) {
        boolean lastLine = end >= bytes.length - 1;
        if (!lastLine) throw new IOException(file + " line " + lineNo + " is corrupt; refusing to start on it");
        log.warn("Journal {}: dropping a torn last line ({} bytes) that was never acknowledged", file, bytes.length - start);
        try (FileChannel truncate = FileChannel.open(file, StandardOpenOption.WRITE)) {
          truncate.truncate(start);
          truncate.force(true);
        }
        break;
      }
      commands.add(events);
      start = end + 1;
    }
    return commands;
  }

  private static List<JournalEvent> parse(String line) {
    int space = line.indexOf(' ');
    if (space != 8) return null;
    String json = line.substring(9);
    if (!line.substring(0, 8).equals(crc(json.getBytes(StandardCharsets.UTF_8)))) return null;
    try {
      List<JournalEvent> events = new ArrayList<>();
      for (Object e : new JsonObject(json).getJsonArray("events")) events.add(JournalEvent.fromJson((JsonObject) e));
      return events;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return String.format("%08x", crc.getValue());
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened; the file's own fsync still holds its content.
      log.debug("Could not fsync directory {}: {}", dir, e.toString());
    }
  }

  /** Appends one command's events; completes once they are on disk (fsynced). Event loop only. */
  Future<Void> append(List<JournalEvent> events) {
    if (events.isEmpty()) return barrier();
    if (failed != null) return Future.failedFuture(failed);
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(JournalEvent.toJson(e)));
    byte[] json = new JsonObject().put("events", array).encode().getBytes(StandardCharsets.UTF_8);
    byte[] line = (crc(json) + " " + new String(json, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
    Promise<Void> promise = Promise.promise();
    queued.add(new Pending(line, promise));
    last = promise.future();
    if (!writing) flush();
    return promise.future();
  }

  /** Completes once everything appended so far is durable: reads wait on it, so nothing is seen before it is safe. */
  Future<Void> barrier() {
    return failed != null ? Future.failedFuture(failed) : last;
  }

  /** Set once a write failed: from then on the venue must not acknowledge anything. */
  Throwable failure() { return failed; }

  private void flush() {
    List<Pending> batch = queued;
    queued = new ArrayList<>();
    writing = true;
    vertx.<Void>executeBlocking(() -> {
      int size = 0;
      for (Pending p : batch) size += p.line().length;
      ByteBuffer buffer = ByteBuffer.allocate(size);
      for (Pending p : batch) buffer.put(p.line());
      buffer.flip();
      while (buffer.hasRemaining()) channel.write(buffer);
      channel.force(false);
      return null;
    }, false).onComplete(result -> {
      writing = false;
      if (result.failed()) {
        failed = result.cause();
        log.error("Journal {} write failed; the venue stops acknowledging: {}", file, result.cause().toString());
        batch.forEach(p -> p.promise().fail(result.cause()));
        queued.forEach(p -> p.promise().fail(result.cause()));
        queued = new ArrayList<>();
        return;
      }
      batch.forEach(p -> p.promise().complete());
      if (!queued.isEmpty()) flush();
    });
  }

  /** Waits for queued writes, then closes the file and releases the lock. */
  Future<Void> close() {
    return barrier().recover(e -> Future.succeededFuture()).compose(v -> vertx.executeBlocking(() -> {
      try {
        channel.close();
      } finally {
        lock.channel().close();
      }
      return null;
    }, false));
  }
}

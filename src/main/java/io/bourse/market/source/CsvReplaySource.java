package io.bourse.market.source;

import io.bourse.market.DeadLetters;
import io.bourse.market.MarketConfig;
import io.bourse.market.MarketPipeline;
import io.bourse.market.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays historical ticks from a CSV file with a header naming the columns (any order):
 * {@code timestamp,symbol,sequence,price,size[,bid,ask]}. Each row goes through the same validation as Kafka
 * messages; bad rows go to the dead letters with their line number and the replay continues. The file is read
 * asynchronously and replayed in slices (one per timer tick or event-loop turn) so the loop stays responsive.
 */
public final class CsvReplaySource implements TickSource {
  private static final Logger log = LoggerFactory.getLogger(CsvReplaySource.class);
  private static final int SLICE = 1_000;
  private static final long PERIOD_MS = 10;

  private final Vertx vertx;
  private final MarketConfig.Csv config;
  private final MarketPipeline pipeline;
  private final DeadLetters deadLetters;
  private final Promise<Long> done = Promise.promise();
  private String[] lines;
  private String[] header;
  private int next = 1;
  private long replayed;
  private boolean stopped;
  private long timer = -1;
  private double budget;
  private long lastFireNanos;

  public CsvReplaySource(Vertx vertx, MarketConfig.Csv config, MarketPipeline pipeline, DeadLetters deadLetters) {
    this.vertx = vertx;
    this.config = config;
    this.pipeline = pipeline;
    this.deadLetters = deadLetters;
  }

  @Override public String name() { return "csv"; }

  /** Completes with the number of data rows replayed (valid or not) when the file is exhausted. */
  public Future<Long> done() { return done.future(); }

  @Override
  public Future<Void> start() {
    return vertx.fileSystem().readFile(config.path()).map(buf -> {
      lines = buf.toString().split("\r?\n", -1);
      header = lines.length == 0 ? new String[0] : lines[0].trim().split(",", -1);
      for (int i = 0; i < header.length; i++) header[i] = header[i].trim();
      log.info("Replaying {} rows from {}", Math.max(0, lines.length - 1), config.path());
      if (config.ticksPerSecond() > 0) {
        lastFireNanos = System.nanoTime();
        timer = vertx.setPeriodic(PERIOD_MS, id -> paced());
      } else {
        vertx.runOnContext(v -> asFastAsPossible());
      }
      return null;
    });
  }

  private void asFastAsPossible() {
    if (replay(SLICE)) vertx.runOnContext(v -> asFastAsPossible());
  }

  private void paced() {
    long now = System.nanoTime();
    budget = Math.min(budget + config.ticksPerSecond() * (now - lastFireNanos) / 1e9, config.ticksPerSecond());
    lastFireNanos = now;
    int n = (int) budget;
    budget -= n;
    if (!replay(n)) vertx.cancelTimer(timer);
  }

  /** Replays up to {@code max} rows; false when finished. */
  private boolean replay(int max) {
    long now = System.nanoTime();
    for (int k = 0; k < max && next < lines.length && !stopped; next++) {
      String line = lines[next];
      if (line.isBlank()) continue;
      k++;
      replayed++;
      Map<String, Object> fields = parse(line);
      Rejection r = fields == null
          ? new Rejection(Rejection.Reason.SCHEMA, "expected " + header.length + " columns: " + String.join(",", header))
          : pipeline.offer(fields, now);
      if (fields == null) pipeline.countInvalid(r);
      if (r != null) {
        String origin = "csv:" + config.path() + ":" + (next + 1);
        deadLetters.publish(origin, line, r).onFailure(e -> log.error("Dead letter for {} not written: {}", origin, e.toString()));
      }
    }
    pipeline.endOfBatch();
    if (next >= lines.length || stopped) {
      done.tryComplete(replayed);
      return false;
    }
    return true;
  }

  private Map<String, Object> parse(String line) {
    String[] cells = line.split(",", -1);
    if (cells.length != header.length) return null;
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < cells.length; i++) {
      String v = cells[i].trim();
      if (v.isEmpty()) continue;
      if (header[i].equals("sequence")) {
        try {
          m.put("sequence", Long.parseLong(v));
        } catch (NumberFormatException e) {
          m.put("sequence", v); // rejected by the validator with the field named
        }
      } else {
        m.put(header[i], v);
      }
    }
    return m;
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    done.tryComplete(replayed);
    return Future.succeededFuture();
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("source", "csv").put("path", config.path()).put("replayed", replayed)
        .put("finished", done.future().isComplete());
  }
}

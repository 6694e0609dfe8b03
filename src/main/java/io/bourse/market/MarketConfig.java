package io.bourse.market;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The {@code market} config section, parsed once. Every problem is reported with its full key ({@code market.*}).
 */
public record MarketConfig(Source source, String instrumentsFile, long staleAfterMs, long maxClockSkewMs,
                           long maxTickAgeMs, int dedupWindow, long cacheTtlMs, int recentCandles,
                           int persistBatchSize, long persistFlushMs, int maxUnsavedCandles, long bridgeConflateMs,
                           Simulated simulated, Kafka kafka, Csv csv) {

  public enum Source { SIMULATED, KAFKA, CSV }

  /** {@code ticksPerSecond} is the total over all instruments. */
  public record Simulated(int ticksPerSecond, long seed, boolean respectSessions) {}

  /**
   * {@code maxPendingDeadLetters}: dead letters waiting to be written (retried) before the consumer pauses;
   * {@code deadLetterRetryMaxMs}: the longest backoff between those retries.
   */
  public record Kafka(String bootstrap, String topic, String groupId, String deadLetterTopic, int maxPollRecords,
                      int maxPendingDeadLetters, long deadLetterRetryMaxMs) {}

  /** {@code ticksPerSecond} 0 replays as fast as the pipeline takes it. */
  public record Csv(String path, int ticksPerSecond) {}

  private static final String P = "market.";

  public static MarketConfig defaults() {
    return from(new JsonObject(), new ConfigProblems());
  }

  public static MarketConfig from(JsonObject m, ConfigProblems problems) {
    Source source = Source.valueOf(problems.oneOf(m, P, "source", "simulated", Set.of("simulated", "kafka", "csv"))
        .toUpperCase(java.util.Locale.ROOT));
    String instruments = problems.stringIn(m, P, "instrumentsFile", "conf/instruments.json");
    long staleAfter = problems.longIn(m, P, "staleAfterMs", 10_000, 100, 86_400_000);
    long skew = problems.longIn(m, P, "maxClockSkewMs", 5_000, 0, 3_600_000);
    long maxAge = problems.longIn(m, P, "maxTickAgeMs", 3_600_000, 0, Long.MAX_VALUE);
    int window = problems.intIn(m, P, "dedupWindow", 1024, 64, 1 << 20);
    if (Integer.bitCount(window) != 1) {
      problems.add(P + "dedupWindow", "must be a power of two, got " + window);
      window = 1024;
    }
    long ttl = problems.longIn(m, P, "cacheTtlMs", 300_000, 1_000, 86_400_000);
    int recent = problems.intIn(m, P, "recentCandles", 500, 1, 10_000);
    int batch = problems.intIn(m, P, "persistBatchSize", 100, 1, 100);
    long flush = problems.longIn(m, P, "persistFlushMs", 1_000, 10, 60_000);
    // Closed candles waiting for the store (retried); past this the oldest are dropped (counted, logged).
    int maxUnsaved = problems.intIn(m, P, "maxUnsavedCandles", 100_000, 1_000, 10_000_000);
    // Browsers cannot use more than a few updates per symbol per second; 0 forwards every tick to the bridge.
    long conflate = problems.longIn(m, P, "bridgeConflateMs", 100, 0, 10_000);

    JsonObject s = problems.section(m, P, "simulated");
    Simulated sim = new Simulated(problems.intIn(s, P + "simulated.", "ticksPerSecond", 20, 1, 1_000_000),
        problems.longIn(s, P + "simulated.", "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
        problems.boolIn(s, P + "simulated.", "respectSessions", true));

    JsonObject k = problems.section(m, P, "kafka");
    String kp = P + "kafka.";
    Kafka kafka = new Kafka(problems.stringIn(k, kp, "bootstrap", ""), problems.stringIn(k, kp, "topic", "md.ticks"),
        problems.stringIn(k, kp, "groupId", "bourse-market"), problems.stringIn(k, kp, "deadLetterTopic", "md.ticks.dlt"),
        problems.intIn(k, kp, "maxPollRecords", 2_000, 1, 100_000),
        problems.intIn(k, kp, "maxPendingDeadLetters", 10_000, 1, 1_000_000),
        problems.longIn(k, kp, "deadLetterRetryMaxMs", 30_000, 100, 600_000));
    if (source == Source.KAFKA && kafka.bootstrap().isBlank()) {
      problems.add(kp + "bootstrap", "required when market.source is kafka (or set BOURSE_KAFKA_BOOTSTRAP)");
    }
    if (kafka.topic().isBlank()) problems.add(kp + "topic", "must not be empty");
    if (kafka.deadLetterTopic().equals(kafka.topic())) problems.add(kp + "deadLetterTopic", "must differ from market.kafka.topic");

    JsonObject c = problems.section(m, P, "csv");
    Csv csv = new Csv(problems.stringIn(c, P + "csv.", "path", ""),
        problems.intIn(c, P + "csv.", "ticksPerSecond", 0, 0, 10_000_000));
    if (source == Source.CSV && csv.path().isBlank()) problems.add(P + "csv.path", "required when market.source is csv");

    return new MarketConfig(source, instruments, staleAfter, skew, maxAge, window, ttl, recent, batch, flush, maxUnsaved,
        conflate, sim, kafka, csv);
  }
}

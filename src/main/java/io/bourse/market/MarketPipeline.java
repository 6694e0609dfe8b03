package io.bourse.market;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Consumer;

/**
 * validate → dedup → candles → accepted-tick consumer (cache, bus, staleness). Synchronous and allocation-light so a
 * source can push a whole Kafka batch through it on the event loop and then commit. Never throws for bad input.
 */
public final class MarketPipeline {
  private final TickValidator validator;
  private final Deduplicator dedup;
  private final CandleAggregator candles;
  private final Consumer<Tick> onAccepted;
  private final MarketMetrics metrics;
  private Runnable onBatchEnd = () -> { };
  private Consumer<SequenceReset> onReset = r -> { };

  /**
   * A symbol's upstream restarted its sequence numbers: {@code tick} (accepted) starts a new epoch, replacing the mark
   * {@code previousSequence} whose newest exchange time was {@code previousTimeMs}; {@code resets} counts them.
   */
  public record SequenceReset(Tick tick, long previousSequence, long previousTimeMs, long resets) {}

  public MarketPipeline(TickValidator validator, Deduplicator dedup, CandleAggregator candles,
                        Consumer<Tick> onAccepted, MarketMetrics metrics) {
    this.validator = validator;
    this.dedup = dedup;
    this.candles = candles;
    this.onAccepted = onAccepted;
    this.metrics = metrics;
  }

  /** Takes one raw JSON message; returns the rejection (for the dead-letter path) or null if accepted/duplicate. */
  public Rejection offer(String json, long receivedNanos) {
    Map<String, Object> fields;
    try {
      fields = json == null ? null : new JsonObject(json).getMap();
    } catch (DecodeException | ClassCastException e) {
      metrics.ingested.increment();
      metrics.invalid(Rejection.Reason.SCHEMA);
      return new Rejection(Rejection.Reason.SCHEMA, "not a JSON object");
    }
    return offer(fields, receivedNanos);
  }

  /** Takes one raw message as its UTF-8 bytes (Kafka), read without building a JSON object; same contract as above. */
  public Rejection offer(byte[] json, long receivedNanos) {
    metrics.ingested.increment();
    return accept(validator.validateJson(json, receivedNanos));
  }

  public Rejection offer(Map<String, Object> fields, long receivedNanos) {
    metrics.ingested.increment();
    return accept(validator.validate(fields, receivedNanos));
  }

  private Rejection accept(TickValidator.Result r) {
    if (!r.ok()) {
      metrics.invalid(r.rejection().reason());
      return r.rejection();
    }
    offerValid(r.tick());
    return null;
  }

  /** For sources that build ticks themselves (simulated feed): already valid by construction. */
  public void offerValid(Tick t) {
    switch (dedup.check(t.symbol(), t.sequence(), t.exchangeTime().toEpochMilli())) {
      case DUPLICATE -> {
        metrics.duplicates.increment();
        return;
      }
      case GAP -> metrics.sequenceGap(t.symbol());
      case RESET -> {
        metrics.sequenceReset(t.symbol());
        onReset.accept(new SequenceReset(t, dedup.resetPreviousSequence(), dedup.resetPreviousTime(),
            dedup.resets(t.symbol())));
      }
      case NEW -> { }
    }
    metrics.accepted.increment();
    candles.onTick(t);
    onAccepted.accept(t);
  }

  /**
   * A source calls this after each batch it offered (a Kafka poll, a timer round of the simulated feed): per-batch
   * work downstream (latest-tick cache writes) happens here once per symbol instead of once per tick.
   */
  public void endOfBatch() {
    onBatchEnd.run();
  }

  /** For sources that reject a message before it has fields (unparseable CSV row): counted like any invalid one. */
  public void countInvalid(Rejection r) {
    metrics.ingested.increment();
    metrics.invalid(r.reason());
  }

  public CandleAggregator candles() { return candles; }

  /** Told of every sequence reset (rare; alerting and logging); nothing by default. */
  public MarketPipeline onSequenceReset(Consumer<SequenceReset> action) {
    this.onReset = action;
    return this;
  }

  /** What {@link #endOfBatch} runs; nothing by default. */
  public MarketPipeline onBatchEnd(Runnable action) {
    this.onBatchEnd = action;
    return this;
  }
}

package io.bourse.market.bench;

import io.bourse.common.Addresses;
import io.bourse.config.ConfigProblems;
import io.bourse.market.Instrument;
import io.bourse.market.InstrumentJson;
import io.bourse.market.MarketConfig;
import io.bourse.market.MarketDataVerticle;
import io.bourse.market.Tick;
import io.bourse.support.KafkaFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Market-data throughput and latency against a real in-process broker, in one run so the numbers are comparable:
 * <ol>
 *   <li>a bare {@link KafkaConsumer} reading the whole topic (the ceiling on this machine);</li>
 *   <li>the full pipeline (Kafka → validate → dedup → candles → cache → bus) reading the same topic;</li>
 *   <li>tick-to-bus latency at a paced 20,000 ticks/s, measured by a bus consumer on the internal addresses.</li>
 * </ol>
 * Not part of the normal build: {@code mvn -B -Pbenchmarks test} (see docs/BENCHMARKS.md). Sizes via
 * {@code -Dbench.ticks=} and {@code -Dbench.latencySeconds=}. Results go to stdout and target/benchmarks/market.json.
 */
class MarketDataBenchmark {
  static final int TICKS = Integer.getInteger("bench.ticks", 1_000_000);
  static final int LATENCY_SECONDS = Integer.getInteger("bench.latencySeconds", 10);
  static final int LATENCY_RATE = 20_000;

  @Test
  @org.junit.jupiter.api.Timeout(900)
  void run() throws Exception {
    List<Instrument> instruments = InstrumentJson.parseSeed(
        new JsonObject(Files.readString(Path.of("conf/instruments.json")))).instruments();
    try (KafkaFixture kafka = KafkaFixture.start()) {
      kafka.createTopic("bench", 2);
      kafka.createTopic("bench.dlt", 1);
      kafka.createTopic("latency", 2);
      kafka.createTopic("latency.dlt", 1);
      long[] seq = new long[instruments.size()];
      produce(kafka, "bench", instruments, seq, TICKS, 0);

      double bare = bareConsumer(kafka, "bench");
      double pipeline = pipeline(kafka, "bench");
      Histogram latency = latency(kafka, instruments, seq);

      JsonObject result = new JsonObject()
          .put("ticks", TICKS)
          .put("bareConsumerPerSecond", Math.round(bare))
          .put("pipelinePerSecond", Math.round(pipeline))
          .put("pipelineVsBare", Math.round(pipeline / bare * 1000) / 1000.0)
          .put("latencyRatePerSecond", LATENCY_RATE)
          .put("latencyTicks", latency.getTotalCount())
          .put("tickToBusP50Micros", latency.getValueAtPercentile(50) / 1000.0)
          .put("tickToBusP99Micros", latency.getValueAtPercentile(99) / 1000.0)
          .put("tickToBusMaxMicros", latency.getMaxValue() / 1000.0)
          .put("cores", Runtime.getRuntime().availableProcessors())
          .put("java", System.getProperty("java.version"));
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/market.json"), result.encodePrettily());
      System.out.println("MARKET-DATA BENCHMARK " + result.encodePrettily());
    }
  }

  /** Valid ticks, keyed by symbol (so per-symbol order holds), round-robin over the catalogue. */
  static void produce(KafkaFixture kafka, String topic, List<Instrument> instruments, long[] seq, int count, int ratePerSecond)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("linger.ms", ratePerSecond > 0 ? "0" : "20");
    p.put("batch.size", "262144");
    p.put("compression.type", "lz4");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        int k = i % instruments.size();
        Instrument ins = instruments.get(k);
        String v = "{\"symbol\":\"" + ins.symbol() + "\",\"sequence\":" + seq[k]++ + ",\"price\":\"" + (100 + (i % 50))
            + "." + (i % 10) + "0\",\"size\":\"1\",\"timestamp\":\"" + Instant.now() + "\"}";
        producer.send(new ProducerRecord<>(topic, ins.symbol(), v));
        if (ratePerSecond > 0 && i % 20 == 19) {
          long due = start + (long) ((i + 1) * 1e9 / ratePerSecond);
          // Park, not spin: a spinning producer would take one of the machine's two cores from the pipeline.
          long wait = due - System.nanoTime();
          if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
      producer.flush();
    }
  }

  static double bareConsumer(KafkaFixture kafka, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("group.id", "bench-bare");
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "5000");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long n = 0;
      long bytes = 0;
      long start = 0;
      while (n < TICKS) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          if (n == 0) start = System.nanoTime();
          n++;
          bytes += r.value().length();
        }
      }
      double secs = (System.nanoTime() - start) / 1e9;
      return bytes > 0 ? n / secs : 0;
    }
  }

  static MarketConfig config(KafkaFixture kafka, String topic, String group) {
    return MarketConfig.from(new JsonObject().put("source", "kafka").put("staleAfterMs", 60_000)
        .put("kafka", new JsonObject().put("bootstrap", kafka.bootstrapServers()).put("topic", topic)
            .put("groupId", group).put("deadLetterTopic", topic + ".dlt").put("maxPollRecords", 5000)),
        new ConfigProblems());
  }

  static double pipeline(KafkaFixture kafka, String topic) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      MarketDataVerticle v = new MarketDataVerticle(config(kafka, topic, "bench-pipeline"), null);
      vertx.deployVerticle(v).await();
      while (v.metrics().ingested.sum() == 0) Thread.sleep(1);
      long start = System.nanoTime();
      long first = v.metrics().ingested.sum();
      while (v.metrics().ingested.sum() < TICKS) Thread.sleep(1);
      double secs = (System.nanoTime() - start) / 1e9;
      if (v.metrics().accepted.sum() != TICKS) {
        throw new AssertionError("accepted " + v.metrics().accepted.sum() + " of " + TICKS + ": " + v.metrics().snapshot());
      }
      return (TICKS - first) / secs;
    } finally {
      vertx.close().await();
    }
  }

  static Histogram latency(KafkaFixture kafka, List<Instrument> instruments, long[] seq) throws Exception {
    Vertx vertx = Vertx.vertx();
    Histogram h = new Histogram(60_000_000_000L, 3);
    try {
      MarketDataVerticle v = new MarketDataVerticle(config(kafka, "latency", "bench-latency"), null, null,
          Map.of("fetch.max.wait.ms", "1"));
      for (Instrument i : instruments) {
        vertx.eventBus().<Tick>localConsumer(Addresses.mdInternalTick(i.symbol()), m -> {
          synchronized (h) {
            h.recordValue(Math.max(0, System.nanoTime() - m.body().receivedNanos()));
          }
        });
      }
      vertx.deployVerticle(v).await();
      // Warm up the group join and the JIT before measuring.
      produce(kafka, "latency", instruments, seq, LATENCY_RATE, LATENCY_RATE);
      Thread.sleep(1_000);
      synchronized (h) {
        h.reset();
      }
      produce(kafka, "latency", instruments, seq, LATENCY_RATE * LATENCY_SECONDS, LATENCY_RATE);
      long deadline = System.currentTimeMillis() + 30_000;
      while (h.getTotalCount() < (long) LATENCY_RATE * LATENCY_SECONDS && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      synchronized (h) {
        return h.copy();
      }
    } finally {
      vertx.close().await();
    }
  }
}

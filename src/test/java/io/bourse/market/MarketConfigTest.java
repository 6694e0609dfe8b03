package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MarketConfigTest {
  @Test
  void defaultsRunTheSimulatedFeedWithNoInfrastructure() {
    ConfigProblems problems = new ConfigProblems();
    MarketConfig c = MarketConfig.from(new JsonObject(), problems);
    assertThat(problems.all()).isEmpty();
    assertThat(c.source()).isEqualTo(MarketConfig.Source.SIMULATED);
    assertThat(c.instrumentsFile()).isEqualTo("conf/instruments.json");
    assertThat(c.staleAfterMs()).isEqualTo(10_000);
    assertThat(c.maxClockSkewMs()).isEqualTo(5_000);
    assertThat(c.simulated().ticksPerSecond()).isEqualTo(20);
    assertThat(c.simulated().seed()).isEqualTo(42);
    assertThat(c.kafka().topic()).isEqualTo("md.ticks");
    assertThat(c.kafka().groupId()).isEqualTo("bourse-market");
    assertThat(c.kafka().deadLetterTopic()).isEqualTo("md.ticks.dlt");
    assertThat(c.bridgeConflateMs()).isEqualTo(100);
    assertThat(c.maxUnsavedCandles()).isEqualTo(100_000);
    assertThat(c.kafka().maxPendingDeadLetters()).isEqualTo(10_000);
    assertThat(c.kafka().deadLetterRetryMaxMs()).isEqualTo(30_000);
  }

  @Test
  void everyProblemIsReportedWithItsFullKey() {
    ConfigProblems problems = new ConfigProblems();
    MarketConfig.from(new JsonObject().put("source", "kafka").put("staleAfterMs", 5).put("dedupWindow", 1000)
        .put("simulated", new JsonObject().put("ticksPerSecond", "fast"))
        .put("maxUnsavedCandles", 10)
        .put("kafka", new JsonObject().put("deadLetterTopic", "md.ticks").put("maxPendingDeadLetters", 0)
            .put("deadLetterRetryMaxMs", "soon")), problems);
    assertThat(problems.all()).anySatisfy(p -> assertThat(p).startsWith("market.kafka.bootstrap: required"))
        .anySatisfy(p -> assertThat(p).startsWith("market.staleAfterMs: must be between"))
        .anySatisfy(p -> assertThat(p).startsWith("market.dedupWindow: must be a power of two"))
        .anySatisfy(p -> assertThat(p).startsWith("market.simulated.ticksPerSecond: must be an integer"))
        .anySatisfy(p -> assertThat(p).startsWith("market.kafka.deadLetterTopic: must differ"))
        .anySatisfy(p -> assertThat(p).startsWith("market.maxUnsavedCandles: must be between"))
        .anySatisfy(p -> assertThat(p).startsWith("market.kafka.maxPendingDeadLetters: must be between"))
        .anySatisfy(p -> assertThat(p).startsWith("market.kafka.deadLetterRetryMaxMs: must be an integer"));
  }

  @Test
  void unknownSourceAndCsvWithoutPath() {
    ConfigProblems problems = new ConfigProblems();
    MarketConfig.from(new JsonObject().put("source", "ftp"), problems);
    assertThat(problems.all()).singleElement().asString().startsWith("market.source: must be one of [csv, kafka, simulated]");
    ConfigProblems csv = new ConfigProblems();
    MarketConfig.from(new JsonObject().put("source", "csv"), csv);
    assertThat(csv.all()).singleElement().asString().startsWith("market.csv.path: required");
  }
}

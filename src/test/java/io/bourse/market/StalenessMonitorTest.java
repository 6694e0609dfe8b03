package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StalenessMonitorTest {
  static InstrumentCatalogue catalogue() throws Exception {
    return InstrumentJson.parseSeed(new JsonObject(Files.readString(Path.of("conf/instruments.json")))).catalogue();
  }

  @Test
  void staleAfterSilenceWhileOpenAndFreshOnTheNextTickOnlyTransitionsReported() throws Exception {
    // A Wednesday at 15:00Z: NYSE open, crypto always open.
    long t0 = Instant.parse("2026-11-25T15:00:00Z").toEpochMilli();
    StalenessMonitor m = new StalenessMonitor(catalogue(), 1_000, t0);
    for (Instrument i : catalogue().all()) m.touch(i.symbol(), t0);
    m.touch("BTC-USD", t0 + 900);
    List<StalenessMonitor.Transition> at1500 = m.check(t0 + 1_500);
    assertThat(at1500).extracting(StalenessMonitor.Transition::symbol).doesNotContain("BTC-USD").contains("ETH-USD", "AAPL");
    assertThat(at1500).allMatch(StalenessMonitor.Transition::stale);
    assertThat(m.isStale("ETH-USD")).isTrue();
    assertThat(m.check(t0 + 1_600)).as("no repeat alerts").isEmpty();
    StalenessMonitor.Transition fresh = m.touch("ETH-USD", t0 + 1_700);
    assertThat(fresh).isNotNull();
    assertThat(fresh.stale()).isFalse();
    assertThat(m.isStale("ETH-USD")).isFalse();
    assertThat(m.touch("ETH-USD", t0 + 1_800)).isNull();
  }

  @Test
  void aClosedExchangeIsQuietNotStale() throws Exception {
    long saturday = Instant.parse("2026-11-21T15:00:00Z").toEpochMilli();
    StalenessMonitor m = new StalenessMonitor(catalogue(), 1_000, saturday);
    List<StalenessMonitor.Transition> t = m.check(saturday + 60_000);
    assertThat(t).extracting(StalenessMonitor.Transition::symbol).contains("BTC-USD").doesNotContain("AAPL", "MSFT");
    assertThat(m.snapshot()).containsEntry("AAPL", false).containsEntry("BTC-USD", true);
  }
}

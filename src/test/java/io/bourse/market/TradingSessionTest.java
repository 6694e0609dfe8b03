package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TradingSessionTest {
  private static TradingSession xnys() throws Exception {
    InstrumentJson.Seed seed = InstrumentJson.parseSeed(new JsonObject(Files.readString(Path.of("conf/instruments.json"))));
    return seed.catalogue().find("AAPL").orElseThrow().session();
  }

  @Test
  void equityOpenFollowsNewYorkAcrossDst() throws Exception {
    TradingSession s = xnys();
    // Summer (EDT, UTC-4): 09:30 local = 13:30Z.
    assertThat(s.isOpen(Instant.parse("2026-07-15T13:29:59Z"))).isFalse();
    assertThat(s.isOpen(Instant.parse("2026-07-15T13:30:00Z"))).isTrue();
    assertThat(s.isOpen(Instant.parse("2026-07-15T19:59:59Z"))).isTrue();
    assertThat(s.isOpen(Instant.parse("2026-07-15T20:00:00Z"))).isFalse();
    // Winter (EST, UTC-5): the same local hours move one hour later in UTC.
    assertThat(s.isOpen(Instant.parse("2026-12-15T13:30:00Z"))).isFalse();
    assertThat(s.isOpen(Instant.parse("2026-12-15T14:30:00Z"))).isTrue();
    assertThat(s.isOpen(Instant.parse("2026-12-15T20:59:00Z"))).isTrue();
    // Monday after the March 2027 switch to EDT (14 March): open is 13:30Z again.
    assertThat(s.nextOpen(Instant.parse("2027-03-13T00:00:00Z"))).isEqualTo(Instant.parse("2027-03-15T13:30:00Z"));
  }

  @Test
  void closedOnWeekendsAndHolidays() throws Exception {
    TradingSession s = xnys();
    assertThat(s.isOpen(Instant.parse("2026-11-21T15:00:00Z"))).as("Saturday").isFalse();
    assertThat(s.isOpen(Instant.parse("2026-11-26T15:00:00Z"))).as("Thanksgiving 2026").isFalse();
    assertThat(s.isOpen(Instant.parse("2026-11-25T15:00:00Z"))).isTrue();
    // After Wednesday's close the next open skips Thanksgiving to Friday 09:30 EST.
    Instant afterClose = Instant.parse("2026-11-25T21:30:00Z");
    assertThat(s.nextOpen(afterClose)).isEqualTo(Instant.parse("2026-11-27T14:30:00Z"));
    assertThat(s.nextClose(afterClose)).contains(Instant.parse("2026-11-27T21:00:00Z"));
    // Christmas Eve 2027 is the observed holiday (25th is a Saturday): next open is Monday 27th.
    assertThat(s.nextOpen(Instant.parse("2027-12-23T22:00:00Z"))).isEqualTo(Instant.parse("2027-12-27T14:30:00Z"));
  }

  @Test
  void whileOpenNextOpenIsNowAndNextCloseIsToday() throws Exception {
    TradingSession s = xnys();
    Instant t = Instant.parse("2026-07-15T15:00:00Z");
    assertThat(s.nextOpen(t)).isEqualTo(t);
    assertThat(s.nextClose(t)).contains(Instant.parse("2026-07-15T20:00:00Z"));
  }

  @Test
  void cryptoIsAlwaysOpen() {
    Instant sunday = Instant.parse("2026-11-22T03:00:00Z");
    assertThat(TradingSession.ALWAYS.isOpen(sunday)).isTrue();
    assertThat(TradingSession.ALWAYS.nextOpen(sunday)).isEqualTo(sunday);
    assertThat(TradingSession.ALWAYS.nextClose(sunday)).isEmpty();
  }
}

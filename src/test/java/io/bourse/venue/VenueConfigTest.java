package io.bourse.venue;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class VenueConfigTest {

  @Test
  void defaultsAreAnInProcessVenueWithoutFaults() {
    VenueConfig c = VenueConfig.defaults();
    assertThat(c.mode()).isEqualTo(VenueConfig.Mode.IN_PROCESS);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8090);
    assertThat(c.matching().slippageBps()).isZero();
    assertThat(c.matching().maxFillFraction()).isEqualByComparingTo("1");
    assertThat(c.faults()).isEqualTo(VenueConfig.Faults.none());
    assertThat(c.client().requestTimeoutMs()).isEqualTo(5_000);
  }

  @Test
  void parsesEveryKey() {
    ConfigProblems problems = new ConfigProblems();
    VenueConfig c = VenueConfig.from(new JsonObject("""
        {"mode": "remote", "url": "http://127.0.0.1:9999", "host": "0.0.0.0", "port": 0,
         "slippageBps": "2.5", "feeBps": 10, "latencyMs": 20, "maxFillFraction": "0.5", "maxFillQuantity": "3",
         "defaultCurrency": "EUR",
         "faults": {"rejectProbability": 0.1, "quotaProbability": "0.2", "ackDelayMs": 5, "dropAckProbability": 1,
                    "timeoutProbability": 0, "dropStreamProbability": 0.5, "seed": 7},
         "client": {"requestTimeoutMs": 100, "connectTimeoutMs": 200, "reconnectInitialMs": 10,
                    "reconnectMaxMs": 1000}}"""), problems);
    assertThat(problems.all()).isEmpty();
    assertThat(c.mode()).isEqualTo(VenueConfig.Mode.REMOTE);
    assertThat(c.url()).isEqualTo("http://127.0.0.1:9999");
    assertThat(c.port()).isZero();
    assertThat(c.matching().slippageBps()).isEqualByComparingTo("2.5");
    assertThat(c.matching().feeBps()).isEqualByComparingTo("10");
    assertThat(c.matching().maxFillQuantity()).isEqualByComparingTo("3");
    assertThat(c.faults()).isEqualTo(new VenueConfig.Faults(0.1, 0.2, 5, 1, 0, 0.5, 7));
    assertThat(c.client()).isEqualTo(new VenueConfig.Client(100, 200, 10, 1000));
    assertThat(c.currencyOf("BTC-USD")).isEqualTo("USD");
    assertThat(c.currencyOf("AAPL")).isEqualTo("EUR");
  }

  @Test
  void everyProblemIsReportedWithItsKey() {
    ConfigProblems problems = new ConfigProblems();
    VenueConfig.from(new JsonObject("""
        {"mode": "remote", "port": "eighty", "slippageBps": "-1", "feeBps": "lots", "maxFillFraction": 0,
         "colour": "blue", "faults": {"rejectProbability": 2, "dropEverything": true},
         "client": {"reconnectInitialMs": 500, "reconnectMaxMs": 100}}"""), problems);
    assertThat(problems.all()).containsExactlyInAnyOrder(
        "venue.colour: unknown key (known: [client, defaultCurrency, faults, feeBps, host, latencyMs, "
            + "maxFillFraction, maxFillQuantity, mode, port, slippageBps, url])",
        "venue.url: required when venue.mode is remote (e.g. http://127.0.0.1:8090)",
        "venue.port: must be an integer, got 'eighty'",
        "venue.slippageBps: must be between 0 and 10000, got -1",
        "venue.feeBps: must be a decimal number, got 'lots'",
        "venue.maxFillFraction: must be greater than 0 (1 = fill in full)",
        "venue.faults.dropEverything: unknown key (known: [ackDelayMs, dropAckProbability, dropStreamProbability, "
            + "quotaProbability, rejectProbability, seed, timeoutProbability])",
        "venue.faults.rejectProbability: must be between 0 and 1, got 2",
        "venue.client.reconnectMaxMs: must be at least venue.client.reconnectInitialMs (500)");
  }

  @Test
  void aRemoteUrlMustBeHttpWithHostAndPort() {
    ConfigProblems problems = new ConfigProblems();
    VenueConfig.from(new JsonObject().put("mode", "remote").put("url", "ftp://venue"), problems);
    assertThat(problems.all()).containsExactly(
        "venue.url: must be an http URL with host and port, e.g. http://127.0.0.1:8090, got 'ftp://venue'");
    ConfigProblems modes = new ConfigProblems();
    VenueConfig.from(new JsonObject().put("mode", "sideways"), modes);
    assertThat(modes.all()).containsExactly("venue.mode: must be one of [in-process, remote], got 'sideways'");
  }
}

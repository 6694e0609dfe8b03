package io.bourse.venue;

import static io.bourse.venue.VenueTesting.ACC;
import static io.bourse.venue.VenueTesting.BTC;
import static io.bourse.venue.VenueTesting.await;
import static io.bourse.venue.VenueTesting.limit;
import static io.bourse.venue.VenueTesting.market;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.Bourse;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bourse.jar venue} as its own JVM, the way reliability tests will run it: killed with SIGKILL (no shutdown
 * hook, no flush) while orders are in flight, then restarted on the same data directory.
 */
@ExtendWith(VertxExtension.class)
class PaperVenueProcessTest {
  private static final Pattern READY = Pattern.compile("paper venue ready on (http://127\\.0\\.0\\.1:\\d+)");

  @TempDir
  Path dir;

  private Process launch(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        "-Dlogback.configurationFile=logback.xml",
        Bourse.class.getName(), "venue"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BOURSE_"));
    return builder.start();
  }

  private String awaitReady(Process process, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher m = READY.matcher(Files.readString(dir.resolve(name + ".out")));
      if (m.find()) return m.group(1);
      Thread.sleep(50);
    }
    throw new AssertionError("venue did not start; stderr: " + Files.readString(dir.resolve(name + ".err")));
  }

  private static VenueClient connect(Vertx vertx, String url) {
    VenueClient client = VenueClient.create(vertx, url, VenueConfig.defaults().client());
    await(client.firstConnect());
    return client;
  }

  @Test
  void killMinus9LosesNothingAcknowledgedAndARestartDuplicatesNothing(Vertx vertx) throws Exception {
    Path data = dir.resolve("data");
    Process venue = launch("run1", "--port", "0", "--data-dir", data.toString());
    Map<String, VenueOrderState> acked = new HashMap<>();
    List<String> inFlight = new ArrayList<>();
    try {
      String url = awaitReady(venue, "run1");
      VenueClient client = connect(vertx, url);
      VenueTesting.mark(vertx, url, BTC, "100");
      for (int i = 0; i < 20; i++) {
        VenueOrder order = i % 2 == 0 ? market("m" + i, Side.BUY, "1", TimeInForce.GTC)
            : limit("l" + i, Side.SELL, "1", "150", TimeInForce.GTC);
        acked.put(order.clientOrderId(), await(client.submit(order)));
      }
      List<Future<VenueOrderState>> pending = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        inFlight.add("f" + i);
        pending.add(client.submit(market("f" + i, Side.SELL, "1", TimeInForce.GTC)));
      }
      venue.destroyForcibly(); // SIGKILL while those are in flight
      assertThat(venue.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(venue.exitValue()).as("killed by SIGKILL").isEqualTo(137);
      await(Future.join(pending).otherwiseEmpty());
      for (int i = 0; i < pending.size(); i++) {
        if (pending.get(i).succeeded()) acked.put(inFlight.get(i), pending.get(i).result());
      }
      await(client.close());
    } finally {
      venue.destroyForcibly();
    }
    Path journal = data.resolve("venue").resolve(VenueJournal.FILE);
    assertThat(Files.readAllLines(journal)).as("one journal line per command").hasSizeGreaterThanOrEqualTo(20);

    // The restart reads its data directory and port from a config file, as an operator's would.
    Path config = dir.resolve("venue.json");
    Files.writeString(config, new io.vertx.core.json.JsonObject().put("dataDir", data.toString())
        .put("venue", new io.vertx.core.json.JsonObject().put("port", 0).put("feeBps", "0")).encode());
    Process restarted = launch("run2", "--config", config.toString());
    try {
      String url = awaitReady(restarted, "run2");
      VenueClient client = connect(vertx, url);
      for (VenueOrderState before : acked.values()) {
        assertThat(await(client.lookup(ACC, before.clientOrderId()))).as(before.clientOrderId()).isEqualTo(before);
      }
      assertThat(await(client.openOrders(ACC))).hasSize(10);

      // Resubmit every intent, acknowledged or not (what a trading core does after an unknown outcome).
      // Marks are not journaled: until Bourse sends the next price, a market order new to the restarted venue is
      // rejected, while one it already had returns as it was.
      Set<String> venueOrderIds = new HashSet<>();
      int sold = 0;
      for (int i = 0; i < 30; i++) {
        VenueOrderState s = await(client.submit(market("f" + i, Side.SELL, "1", TimeInForce.GTC)));
        VenueOrderState before = acked.get("f" + i);
        if (before != null) assertThat(s).isEqualTo(before);
        if (s.status() == VenueOrderStatus.FILLED) sold++;
        venueOrderIds.add(s.venueOrderId());
      }
      VenueOrderState m0 = await(client.submit(market("m0", Side.BUY, "1", TimeInForce.GTC)));
      VenueOrderState l1 = await(client.submit(limit("l1", Side.SELL, "1", "150", TimeInForce.GTC)));
      assertThat(List.of(m0, l1)).containsExactly(acked.get("m0"), acked.get("l1"));
      venueOrderIds.addAll(List.of(m0.venueOrderId(), l1.venueOrderId()));
      assertThat(venueOrderIds).as("one order per intent").hasSize(32);

      List<VenueExecution> executions = await(client.executions(ACC, 0, 1000)).items();
      for (int i = 0; i < executions.size(); i++) assertThat(executions.get(i).sequence()).isEqualTo(i + 1L);
      assertThat(executions.stream().filter(e -> e.kind() == VenueExecution.Kind.ACKNOWLEDGED
          || e.kind() == VenueExecution.Kind.REJECTED).map(VenueExecution::clientOrderId))
          .as("one ack or reject per order").hasSize(50).doesNotHaveDuplicates();
      assertThat(await(client.account(ACC)).positions().get(BTC)).isEqualByComparingTo(String.valueOf(10 - sold));
      await(client.close());

      restarted.destroy(); // SIGTERM: graceful
      assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(restarted.exitValue()).isEqualTo(143);
      String out = Files.readString(dir.resolve("run2.out"));
      assertThat(out).contains("Paper venue shutting down", "Paper venue stopped; journal closed").doesNotContain("did not complete");
    } finally {
      restarted.destroyForcibly();
    }
  }

  @Test
  void usageErrorsExitWith64AndConfigErrorsWith2(Vertx vertx) throws Exception {
    Files.writeString(dir.resolve("bad.json"), "{\"venue\": {\"feeBps\": \"lots\", \"colour\": \"blue\"}}");
    Process badConfig = launch("bad3", "--config", dir.resolve("bad.json").toString());
    Process badPort = launch("bad1", "--port", "eighty");
    Process unknown = launch("bad2", "--frobnicate");
    assertThat(badConfig.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(badConfig.exitValue()).isEqualTo(Bourse.EXIT_CONFIG);
    assertThat(Files.readAllLines(dir.resolve("bad3.err"))).containsExactlyInAnyOrder(
        "config error: venue.colour: unknown key (known: [client, defaultCurrency, faults, feeBps, host, latencyMs, "
            + "maxFillFraction, maxFillQuantity, mode, port, slippageBps, url])",
        "config error: venue.feeBps: must be a decimal number, got 'lots'");
    assertThat(badPort.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(unknown.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(badPort.exitValue()).isEqualTo(Bourse.EXIT_USAGE);
    assertThat(unknown.exitValue()).isEqualTo(Bourse.EXIT_USAGE);
    assertThat(Files.readString(dir.resolve("bad1.err"))).contains("--port must be an integer", "usage:");
    assertThat(Files.readString(dir.resolve("bad2.err"))).contains("unknown argument '--frobnicate'", "usage:");
  }
}

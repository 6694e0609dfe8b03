package io.bourse;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as an operator runs it: a separate JVM started from an empty working directory (so the configuration
 * bundled in the jar is what loads), environment variables on top.
 */
class BourseLauncherTest {

  private static Process launch(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dlogback.configurationFile=logback.xml",
        Bourse.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("stdout.log").toFile())
        .redirectError(workDir.resolve("stderr.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BOURSE_"));
    builder.environment().putAll(env);
    return builder.start();
  }

  @Test
  void invalidConfigurationExitsWithOneLinePerKeyAndNoStackTrace(@TempDir Path dir) throws Exception {
    Process process = launch(dir, Map.of(
        "BOURSE_HTTP_PORT", "eighty",
        "BOURSE_REDIS_URL", "http://:pw-never-printed@cache",
        "BOURSE_RATE_LIMIT_ENABLED", "sometimes"));
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(Bourse.EXIT_CONFIG);

    List<String> stderr = Files.readAllLines(dir.resolve("stderr.log"));
    assertThat(stderr).containsExactlyInAnyOrder(
        "config error: http.port: must be an integer, got 'eighty'",
        "config error: redis.url: must start with redis:// or rediss://",
        "config error: rateLimit.enabled: must be true or false, got 'sometimes'");
    String everything = String.join("\n", stderr) + Files.readString(dir.resolve("stdout.log"));
    assertThat(everything).doesNotContain("Exception", "\tat ", "pw-never-printed");
  }

  @Test
  void aMistypedFaultPointStopsStartUpInsteadOfArmingNothing(@TempDir Path dir) throws Exception {
    for (String spec : List.of("after-persist-before-venu-send", "cancel-racing-fill:x")) {
      Process process = launch(dir, Map.of("BOURSE_FAULT_AT", spec));
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(spec).isEqualTo(Bourse.EXIT_CONFIG);
      String stderr = Files.readString(dir.resolve("stderr.log"));
      assertThat(stderr).startsWith("config error: BOURSE_FAULT_AT").doesNotContain("Exception", "\tat ");
    }
  }

  @Test
  void unknownArgumentIsAUsageError(@TempDir Path dir) throws Exception {
    Process process = launch(dir, Map.of(), "--frobnicate");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(Bourse.EXIT_USAGE);
    assertThat(Files.readString(dir.resolve("stderr.log"))).contains("unknown argument '--frobnicate'", "usage:");
  }

  @Test
  void startsOnBundledDefaultsAndStopsGracefullyOnSigterm(@TempDir Path dir) throws Exception {
    int port = FreePorts.next();
    Process process = launch(dir, Map.of(
        "BOURSE_HTTP_PORT", String.valueOf(port),
        "BOURSE_HTTP_HOST", "127.0.0.1",
        "BOURSE_DATA_DIR", dir.resolve("data").toString()));
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).build();
      int status = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && status != 200 && process.isAlive()) {
        try {
          status = http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertThat(status).as("ready; stderr: %s", Files.readString(dir.resolve("stderr.log"))).isEqualTo(200);

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("terminated by SIGTERM after the shutdown hook ran").isEqualTo(143);
      String log = Files.readString(dir.resolve("stdout.log"));
      assertThat(log).contains("\"message\":\"Shutting down\"").doesNotContain("Shutdown did not complete");
      assertThat(log).as("JSON log lines").contains("\"level\":\"INFO\"");
    } finally {
      process.destroyForcibly();
    }
  }
}

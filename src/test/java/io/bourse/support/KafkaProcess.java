package io.bourse.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, one combined broker+controller node) in a separate JVM on fixed loopback ports, so it
 * can be killed with {@code kill -9} and started again where clients expect it: the in-process test kit binds random
 * ports on every start, which a restarted broker cannot keep. Log dirs survive restarts, so topics and committed
 * offsets do too. Uses the Kafka 3.7.1 jars already on the test classpath. Skips (fails when {@code CI=true}) if the
 * broker cannot be formatted or started.
 */
public final class KafkaProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final Path config;
  private final Path log;
  private final int port;
  private final int controllerPort;
  private final Thread hook;
  private Process process;

  private KafkaProcess(Path dir, int port, int controllerPort) {
    this.dir = dir;
    this.config = dir.resolve("server.properties");
    this.log = dir.resolve("broker.log");
    this.port = port;
    this.controllerPort = controllerPort;
    // A broker left behind by a crashed test JVM would hold the ports and disk of the next run.
    this.hook = new Thread(() -> { Process p = process; if (p != null) p.destroyForcibly(); }, "kafka-process-reaper");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Formats storage and starts the broker; blocks (JUnit thread) until it answers a metadata request. */
  public static KafkaProcess launch() {
    KafkaProcess k = null;
    try {
      Path dir = Files.createTempDirectory("bourse-kafka-");
      k = new KafkaProcess(dir, FreePorts.next(), FreePorts.next());
      k.writeConfig();
      k.format();
      k.start0();
      return k;
    } catch (Exception | LinkageError e) {
      String tail = k == null ? "" : k.logTail();
      if (k != null) k.close();
      Components.require(false, "a Kafka broker process (org.apache.kafka:kafka_2.13:3.7.1 on the test classpath, "
          + "a java executable) — it failed to start: " + e + tail);
      return null;
    }
  }

  public String bootstrapServers() { return "127.0.0.1:" + port; }

  private void writeConfig() throws IOException {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    // After a kill -9 the restarted controller still holds the dead broker's registration and only accepts the new one
    // once that session expires (default 9 s): shorter sessions keep a restart at a few seconds.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "2000");
    try (var out = Files.newBufferedWriter(config)) {
      p.store(out, "Bourse test broker");
    }
  }

  private ProcessBuilder java(String mainClass, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  private void format() throws Exception {
    // StorageTool ends with System.exit, so it runs in its own JVM too.
    Process f = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString())
        .start();
    if (!f.waitFor(60, TimeUnit.SECONDS)) {
      f.destroyForcibly();
      throw new IllegalStateException("storage format timed out");
    }
    if (f.exitValue() != 0) throw new IllegalStateException("storage format exited with " + f.exitValue());
  }

  /** Starts the broker again on the same ports and log dirs; blocks until it answers. */
  public void restart() {
    try {
      start0();
    } catch (Exception e) {
      throw new IllegalStateException("Kafka broker did not restart: " + e + logTail(), e);
    }
  }

  private void start0() throws Exception {
    if (process != null && process.isAlive()) throw new IllegalStateException("already running");
    process = java("kafka.Kafka", config.toString()).start();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) throw new IllegalStateException("broker exited with " + process.exitValue());
      try (Admin admin = admin(Duration.ofSeconds(2))) {
        admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
        admin.listTopics().names().get(3, TimeUnit.SECONDS);
        return;
      } catch (Exception notYet) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("broker not ready in " + READY_TIMEOUT);
        Thread.sleep(100);
      }
    }
  }

  /** {@code kill -9}: no controlled shutdown, nothing flushed beyond what the OS already has. */
  public void kill() throws InterruptedException {
    Process p = process;
    if (p == null) return;
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the broker runs its controlled shutdown. */
  public void stop() throws InterruptedException {
    Process p = process;
    if (p == null) return;
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Admin admin(Duration timeout) {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers(),
        "request.timeout.ms", (int) timeout.toMillis(), "default.api.timeout.ms", (int) timeout.toMillis()));
  }

  public void createTopic(String name, int partitions) throws Exception {
    try (Admin admin = admin(Duration.ofSeconds(30))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return "\nbroker log (" + log + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to; it does the same.
    }
    deleteRecursively(dir.toFile());
  }

  private static void deleteRecursively(File f) {
    File[] children = f.listFiles();
    if (children != null) for (File c : children) deleteRecursively(c);
    f.delete();
  }
}

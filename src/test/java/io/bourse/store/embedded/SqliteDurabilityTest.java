package io.bourse.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means durable across a process crash: a writer JVM is killed with SIGKILL (no shutdown hooks, no
 * flush) while writing, and every write it had acknowledged must be readable afterwards with the acknowledged ETag.
 */
class SqliteDurabilityTest {
  private static final int ACKS_BEFORE_KILL = 3_000;

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesKillMinus9() throws Exception {
    Path file = dir.resolve("store.db");
    Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DurabilityWriterMain.class.getName(), file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    Map<String, String[]> acked = new LinkedHashMap<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
        StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String line;
      while (acked.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline && (line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          String[] parts = line.split(" ");
          acked.put(parts[2], new String[] {parts[1], parts[3]});
        }
      }
      // Killed while its lanes still have writes in flight.
      writer.destroyForcibly();
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      writer.destroyForcibly();
    }
    assertThat(writer.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

    Vertx vertx = Vertx.vertx();
    try {
      DocumentStore store = SqliteDocumentStore.open(vertx,
          new StoreConfig.Embedded(file, StoreConfig.Synchronous.NORMAL, 4), 1 << 20)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      store.ensureContainer(ContainerSpec.of(DurabilityWriterMain.CONTAINER)).toCompletionStage()
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      List<Future<Document>> reads = new ArrayList<>();
      List<String> ids = new ArrayList<>(acked.keySet());
      for (String id : ids) reads.add(store.read(DurabilityWriterMain.CONTAINER, acked.get(id)[0], id));
      Future.all(reads).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      for (int i = 0; i < ids.size(); i++) {
        Document d = reads.get(i).result();
        assertThat(d).as("acknowledged %s", ids.get(i)).isNotNull();
        assertThat(d.etag()).as("etag of %s", ids.get(i)).isEqualTo(acked.get(ids.get(i))[1]);
      }
      store.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}

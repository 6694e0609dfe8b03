package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.health.DependencyCheck;
import io.bourse.support.KafkaFixture;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Kafka readiness probe against a real broker, and its admin client released at shutdown. */
class KafkaHealthTest {
  static KafkaFixture kafka;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaFixture.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await();
    if (kafka != null) kafka.close();
  }

  private static long adminThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("kafka-admin-client-thread")).count();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void probeNamesTheClusterAndCloseStopsTheAdminClient() throws InterruptedException {
    long before = adminThreads();
    DependencyCheck check = KafkaHealth.check(vertx, kafka.bootstrapServers());

    String detail = check.probe().await();

    assertThat(detail).matches("cluster \\S+, 1 broker\\(s\\)");
    assertThat(adminThreads()).isEqualTo(before + 1);
    check.close().await();
    while (adminThreads() != before) Thread.sleep(50); // bounded by the test's timeout
  }
}

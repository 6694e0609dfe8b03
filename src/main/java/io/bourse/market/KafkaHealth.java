package io.bourse.market;

import io.bourse.health.DependencyCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.Map;

/** Readiness probe for the Kafka cluster market data reads from: a describe-cluster round trip. */
public final class KafkaHealth {
  private KafkaHealth() {}

  public static DependencyCheck check(Vertx vertx, String bootstrap) {
    return new DependencyCheck() {
      private KafkaAdminClient admin;

      @Override public String name() { return "kafka"; }
      @Override public boolean configured() { return true; }
      // Market data is the feed for trading and dashboards; without the broker there is none.
      @Override public boolean critical() { return true; }

      @Override
      public Future<String> probe() {
        if (admin == null) {
          admin = KafkaAdminClient.create(vertx, Map.of(
              "bootstrap.servers", bootstrap,
              "request.timeout.ms", "2000",
              "default.api.timeout.ms", "2000"));
        }
        return admin.describeCluster().map(cluster -> "cluster " + cluster.getClusterId() + ", "
            + cluster.getNodes().size() + " broker(s)");
      }

      @Override
      public Future<Void> close() {
        KafkaAdminClient open = admin;
        admin = null;
        return open == null ? Future.succeededFuture() : open.close();
      }
    };
  }
}

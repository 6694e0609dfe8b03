package io.bourse.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real Kafka broker (KRaft, one combined broker+controller node) in the test JVM, from the Kafka 3.7.1 test jars
 * (see ENVIRONMENT.md). One per test class: start in {@code @BeforeAll}, close in {@code @AfterAll}. Blocking calls
 * here run on the JUnit thread, never on an event loop. When the broker cannot start the test is skipped with what
 * to fix, unless {@code CI=true}, where it fails.
 */
public final class KafkaFixture implements AutoCloseable {
  private final KafkaClusterTestKit cluster;
  private final Admin admin;
  private final KafkaProducer<String, String> producer;

  private KafkaFixture(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    this.admin = Admin.create(p);
    Properties pp = new Properties();
    pp.put("bootstrap.servers", cluster.bootstrapServers());
    pp.put("acks", "all");
    pp.put("linger.ms", "2");
    this.producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
  }

  public static KafkaFixture start() {
    try {
      TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false")
          .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaFixture(cluster);
    } catch (Exception | LinkageError e) {
      Components.require(false, "an in-process Kafka broker (org.apache.kafka:kafka_2.13:3.7.1 with its test jars; "
          + "check they resolve with mvn dependency:resolve) — it failed to start: " + e);
      return null;
    }
  }

  public String bootstrapServers() { return cluster.bootstrapServers(); }

  public void createTopic(String name, int partitions) throws Exception {
    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
  }

  /** Sends and waits for every acknowledgement, in order per key. */
  public void send(String topic, String key, List<String> values) throws Exception {
    List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
    for (String v : values) acks.add(producer.send(new ProducerRecord<>(topic, key, v)));
    producer.flush();
    for (java.util.concurrent.Future<?> f : acks) f.get(30, TimeUnit.SECONDS);
  }

  /** Reads from the beginning with a throwaway group until {@code expected} records arrived or the timeout passed. */
  public List<ConsumerRecord<String, String>> readAll(String topic, int expected, Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("group.id", "fixture-reader-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Committed offsets of a group for a topic, by partition (absent partitions have no commit). */
  public Map<Integer, Long> committed(String groupId, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> all =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    Map<Integer, Long> out = new HashMap<>();
    all.forEach((tp, om) -> { if (tp.topic().equals(topic) && om != null) out.put(tp.partition(), om.offset()); });
    return out;
  }

  public Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    for (int i = 0; i < partitions; i++) req.put(new TopicPartition(topic, i), OffsetSpec.latest());
    return admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
  }

  /** Rewinds an (inactive) group, as if its consumer had crashed before committing. */
  public void rewindGroup(String groupId, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
    for (int i = 0; i < partitions; i++) zero.put(new TopicPartition(topic, i), new OffsetAndMetadata(0));
    admin.alterConsumerGroupOffsets(groupId, zero).all().get(30, TimeUnit.SECONDS);
  }

  public Set<String> topics() throws Exception {
    return admin.listTopics().names().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
    cluster.close();
  }
}

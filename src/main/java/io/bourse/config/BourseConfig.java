package io.bourse.config;

import io.bourse.bridge.BridgeLimits;
import io.bourse.market.MarketConfig;
import io.bourse.trading.TradingConfig;
import io.bourse.venue.VenueConfig;
import io.bourse.auth.AuthConfig;
import io.bourse.http.ratelimit.RateLimitConfig;
import io.bourse.store.StoreConfig;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The whole configuration, parsed once at start into typed records. Parsing never throws: every problem is collected
 * with its key so the launcher can print them all and exit.
 */
public record BourseConfig(String dataDir, HttpConfig http, Map<String, Integer> verticleInstances,
                           RedisConfig redis, boolean clusterEnabled, long healthCheckTimeoutMs, StoreConfig store,
                           MarketConfig market, AuthConfig auth, RateLimitConfig rateLimits,
                           TradingConfig trading, VenueConfig venue, BridgeLimits bridge) {

  /** Verticle names that can be scaled with {@code verticles.<name>.instances}. */
  public static final Set<String> VERTICLES = Set.of("http", "market", "trading");

  private static final Set<String> TOP_LEVEL_KEYS = Set.of(
      "dataDir", "http", "verticles", "rateLimit", "redis", "kafka", "cluster", "health", "store", "market", "auth", "trading", "venue", "bridge");

  /** Redis is optional: features that use it fall back to in-process state unless {@code required} is set. */
  public record RedisConfig(String url, boolean required, int maxPoolSize) {
    public boolean configured() { return url != null && !url.isBlank(); }

    @Override
    public String toString() {
      // The URL may carry a password; never let it reach a log line through toString.
      return "RedisConfig[configured=" + configured() + ", required=" + required + ", maxPoolSize=" + maxPoolSize + "]";
    }
  }

  public record Parsed(BourseConfig config, ConfigProblems problems) {
    public boolean valid() { return problems.isEmpty(); }
  }

  public static Parsed parse(JsonObject json) {
    ConfigProblems problems = new ConfigProblems();
    for (String key : new TreeSet<>(json.fieldNames())) {
      if (!TOP_LEVEL_KEYS.contains(key)) {
        problems.add(key, "unknown key (known: " + new TreeSet<>(TOP_LEVEL_KEYS) + ")");
      }
    }
    String dataDir = problems.stringIn(json, "", "dataDir", "./data");
    if (dataDir == null || dataDir.isBlank()) problems.add("dataDir", "must not be empty");

    HttpConfig http = HttpConfig.from(problems.section(json, "", "http"), problems);

    JsonObject verticles = problems.section(json, "", "verticles");
    Map<String, Integer> instances = new LinkedHashMap<>();
    for (String name : new TreeSet<>(verticles.fieldNames())) {
      if (!VERTICLES.contains(name)) {
        problems.add("verticles." + name, "unknown verticle (known: " + new TreeSet<>(VERTICLES) + ")");
        continue;
      }
      JsonObject v = problems.section(verticles, "verticles.", name);
      instances.put(name, problems.intIn(v, "verticles." + name + ".", "instances", 1, 1, 64));
    }
    for (String name : VERTICLES) instances.putIfAbsent(name, 1);

    RateLimitConfig rateLimits = RateLimitConfig.from(problems.section(json, "", "rateLimit"), problems);

    JsonObject redisSection = problems.section(json, "", "redis");
    String redisUrl = problems.stringIn(redisSection, "redis.", "url", "");
    if (redisUrl != null && !redisUrl.isBlank() && !redisUrl.matches("rediss?://.+")) {
      // Do not echo the value: it may contain a password.
      problems.add("redis.url", "must start with redis:// or rediss://");
    }
    RedisConfig redis = new RedisConfig(redisUrl,
        problems.boolIn(redisSection, "redis.", "required", false),
        problems.intIn(redisSection, "redis.", "maxPoolSize", 8, 1, 256));

    String kafka = problems.stringIn(problems.section(json, "", "kafka"), "kafka.", "bootstrap", "");
    if (kafka != null && !kafka.isBlank() && !kafka.matches("[A-Za-z0-9.\\-]+:\\d{1,5}(,[A-Za-z0-9.\\-]+:\\d{1,5})*")) {
      problems.add("kafka.bootstrap", "must be host:port[,host:port...], got '" + kafka + "'");
    }
    boolean cluster = problems.boolIn(problems.section(json, "", "cluster"), "cluster.", "enabled", false);
    long healthTimeout = problems.longIn(problems.section(json, "", "health"), "health.", "checkTimeoutMs", 2000, 50,
        60_000);

    JsonObject marketSection = problems.section(json, "", "market").copy();
    if (!marketSection.containsKey("source") && kafka != null && !kafka.isBlank()) {
      // A configured broker switches market data to Kafka unless market.source says otherwise.
      marketSection.put("source", "kafka");
    }
    JsonObject marketKafka = marketSection.getJsonObject("kafka", new JsonObject());
    if (marketKafka.getString("bootstrap", "").isBlank() && kafka != null && !kafka.isBlank()) {
      // One broker list for the process: BOURSE_KAFKA_BOOTSTRAP serves market data unless market.kafka overrides it.
      marketSection.put("kafka", marketKafka.copy().put("bootstrap", kafka));
    }
    MarketConfig market = MarketConfig.from(marketSection, problems);
    if (instances.getOrDefault("market", 1) > 1 && !redis.configured()) {
      problems.add("verticles.market.instances", "more than 1 needs redis.url: the in-process market cache is per "
          + "instance, so REST reads would see only one instance's symbols");
    }

    AuthConfig auth = AuthConfig.from(problems.section(json, "", "auth"), problems);
    BourseConfig config = new BourseConfig(dataDir, http, Map.copyOf(instances), redis, cluster, healthTimeout,
        StoreConfig.from(problems.section(json, "", "store"), dataDir, problems), market, auth, rateLimits,
        TradingConfig.from(problems.section(json, "", "trading"), problems),
        VenueConfig.from(problems.section(json, "", "venue"), problems),
        BridgeLimits.from(problems.section(json, "", "bridge"), problems));
    return new Parsed(config, problems);
  }

  public int instancesOf(String verticle) {
    return verticleInstances.getOrDefault(verticle, 1);
  }

  @Override
  public String toString() {
    // store and auth hold secrets (Cosmos key, admin password); keep them out of any log line.
    return "BourseConfig[dataDir=" + dataDir + ", http=" + http + ", verticles=" + verticleInstances
        + ", rateLimitEnabled=" + rateLimits.enabled() + ", store=" + store.kind() + ", redis=" + redis
        + ", marketSource=" + market.source() + ", cluster=" + clusterEnabled + "]";
  }
}

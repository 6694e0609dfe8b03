package io.bourse.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The operator-facing environment variables and the config keys they override. An explicit table rather than a
 * generic BOURSE_A_B → a.b mapping: the names are part of the operator contract (ARCHITECTURE §3), and keys with
 * camelCase segments (maxBodyBytes) have no unambiguous generic spelling. The README's configuration table lists
 * exactly these.
 */
public final class EnvOverrides {

  public record Mapping(String env, String key, boolean list, boolean secret) {}

  public static final List<Mapping> MAPPINGS = List.of(
      new Mapping("BOURSE_HTTP_HOST", "http.host", false, false),
      new Mapping("BOURSE_HTTP_PORT", "http.port", false, false),
      new Mapping("BOURSE_HTTP_INSTANCES", "verticles.http.instances", false, false),
      new Mapping("BOURSE_CORS_ORIGINS", "http.corsAllowedOrigins", true, false),
      new Mapping("BOURSE_DATA_DIR", "dataDir", false, false),
      new Mapping("BOURSE_STORE", "store.kind", false, false),
      new Mapping("BOURSE_COSMOS_ENDPOINT", "store.cosmos.endpoint", false, false),
      new Mapping("BOURSE_COSMOS_KEY", "store.cosmos.key", false, true),
      new Mapping("BOURSE_COSMOS_DATABASE", "store.cosmos.database", false, false),
      new Mapping("BOURSE_REDIS_URL", "redis.url", false, true),
      new Mapping("BOURSE_KAFKA_BOOTSTRAP", "kafka.bootstrap", false, false),
      new Mapping("BOURSE_MARKET_SOURCE", "market.source", false, false),
      new Mapping("BOURSE_MARKET_INSTANCES", "verticles.market.instances", false, false),
      new Mapping("BOURSE_TRADING_SHARDS", "verticles.trading.instances", false, false),
      new Mapping("BOURSE_DEMO_STRATEGY", "trading.demoStrategy", false, false),
      new Mapping("BOURSE_VENUE_MODE", "venue.mode", false, false),
      new Mapping("BOURSE_VENUE_URL", "venue.url", false, false),
      new Mapping("BOURSE_CLUSTER", "cluster.enabled", false, false),
      new Mapping("BOURSE_RATE_LIMIT_ENABLED", "rateLimit.enabled", false, false),
      new Mapping("BOURSE_ADMIN_EMAIL", "auth.adminEmail", false, false),
      new Mapping("BOURSE_ADMIN_PASSWORD", "auth.adminPassword", false, true));

  private EnvOverrides() {}

  /** The nested JSON that the environment contributes; values stay strings and are typed by the config records. */
  public static JsonObject from(Map<String, String> env) {
    JsonObject out = new JsonObject();
    for (Mapping m : MAPPINGS) {
      String value = env.get(m.env());
      if (value == null) continue;
      Object typed = m.list() ? splitList(value) : value;
      put(out, m.key(), typed);
    }
    return out;
  }

  private static JsonArray splitList(String value) {
    JsonArray items = new JsonArray();
    for (String part : value.split(",")) {
      if (!part.isBlank()) items.add(part.trim());
    }
    return items;
  }

  private static void put(JsonObject root, String dottedKey, Object value) {
    String[] path = dottedKey.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < path.length - 1; i++) {
      JsonObject child = node.getJsonObject(path[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(path[i], child);
      }
      node = child;
    }
    node.put(path[path.length - 1], value);
  }
}

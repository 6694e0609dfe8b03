package io.bourse.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Collects every configuration problem instead of stopping at the first, so an operator fixes a bad config in one
 * pass. Each problem names the full key (e.g. {@code http.port}); the launcher prints one line per problem.
 * Area records (HttpConfig, StoreConfig, ...) read their section through the typed getters here.
 */
public final class ConfigProblems {
  private final List<String> problems = new ArrayList<>();

  public void add(String key, String problem) {
    problems.add(key + ": " + problem);
  }

  public List<String> all() { return List.copyOf(problems); }

  public boolean isEmpty() { return problems.isEmpty(); }

  public int intIn(JsonObject section, String prefix, String key, int def, int min, int max) {
    return (int) longIn(section, prefix, key, def, min, max);
  }

  public long longIn(JsonObject section, String prefix, String key, long def, long min, long max) {
    Object raw = section == null ? null : section.getValue(key);
    if (raw == null) return def;
    Long value = null;
    if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      value = n.longValue();
    } else if (raw instanceof String s) {
      try { value = Long.parseLong(s.trim()); } catch (NumberFormatException ignored) { /* reported below */ }
    }
    if (value == null) {
      add(prefix + key, "must be an integer, got '" + raw + "'");
      return def;
    }
    if (value < min || value > max) {
      add(prefix + key, "must be between " + min + " and " + max + ", got " + value);
      return def;
    }
    return value;
  }

  public boolean boolIn(JsonObject section, String prefix, String key, boolean def) {
    Object raw = section == null ? null : section.getValue(key);
    if (raw == null) return def;
    if (raw instanceof Boolean b) return b;
    if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    add(prefix + key, "must be true or false, got '" + raw + "'");
    return def;
  }

  public String stringIn(JsonObject section, String prefix, String key, String def) {
    Object raw = section == null ? null : section.getValue(key);
    if (raw == null) return def;
    if (raw instanceof String s) return s;
    if (raw instanceof Number || raw instanceof Boolean) return String.valueOf(raw);
    add(prefix + key, "must be a string");
    return def;
  }

  public String oneOf(JsonObject section, String prefix, String key, String def, Set<String> allowed) {
    String value = stringIn(section, prefix, key, def);
    if (value != null && !allowed.contains(value)) {
      add(prefix + key, "must be one of " + allowed.stream().sorted().toList() + ", got '" + value + "'");
      return def;
    }
    return value;
  }

  public JsonObject section(JsonObject parent, String prefix, String key) {
    Object raw = parent == null ? null : parent.getValue(key);
    if (raw == null) return new JsonObject();
    if (raw instanceof JsonObject o) return o;
    add(prefix + key, "must be an object");
    return new JsonObject();
  }
}

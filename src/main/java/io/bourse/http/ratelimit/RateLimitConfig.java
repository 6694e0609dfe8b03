package io.bourse.http.ratelimit;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code rateLimit} section: one {@link Limit} per key kind. Each limit allows {@code limit} requests per
 * {@code periodSeconds} with bursts up to {@code limit} (GCRA).
 */
public record RateLimitConfig(boolean enabled, Limit perUser, Limit perIp, Limit login) {

  public record Limit(int limit, int periodSeconds) {
    /** GCRA emission interval: the steady-state gap between two allowed requests. */
    public long emissionMillis() { return Math.max(1, periodSeconds * 1000L / limit); }
  }

  private static final Set<String> KEYS = Set.of("enabled", "perUser", "perIp", "login");

  public static RateLimitConfig from(JsonObject section, ConfigProblems problems) {
    JsonObject s = section == null ? new JsonObject() : section;
    for (String key : new TreeSet<>(s.fieldNames())) {
      if (!KEYS.contains(key)) problems.add("rateLimit." + key, "unknown key (known: " + new TreeSet<>(KEYS) + ")");
    }
    return new RateLimitConfig(problems.boolIn(s, "rateLimit.", "enabled", true),
        limit(s, "perUser", 1200, 60, problems),
        limit(s, "perIp", 2400, 60, problems),
        limit(s, "login", 10, 300, problems));
  }

  private static Limit limit(JsonObject parent, String name, int defLimit, int defPeriod, ConfigProblems problems) {
    JsonObject s = problems.section(parent, "rateLimit.", name);
    String p = "rateLimit." + name + ".";
    for (String key : new TreeSet<>(s.fieldNames())) {
      if (!key.equals("limit") && !key.equals("periodSeconds")) problems.add(p + key, "unknown key");
    }
    return new Limit(problems.intIn(s, p, "limit", defLimit, 1, 1_000_000),
        problems.intIn(s, p, "periodSeconds", defPeriod, 1, 86_400));
  }
}

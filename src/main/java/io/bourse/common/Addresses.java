package io.bourse.common;

/**
 * Every event-bus address, in one place. Form: {@code <domain>.<entity>[.<key>]}. Bridge-facing addresses live under
 * prefixes that anchored regexes can allow-list (md.*, trading.<tenant>.*, admin.*).
 */
public final class Addresses {
  private Addresses() {}

  /** Request/reply: a verticle reports whether it is ready (used by /health/detailed). Suffix: verticle name. */
  public static final String HEALTH_VERTICLE_PREFIX = "bourse.health.verticle.";

  public static String verticleHealth(String verticleName) {
    return HEALTH_VERTICLE_PREFIX + verticleName;
  }
}

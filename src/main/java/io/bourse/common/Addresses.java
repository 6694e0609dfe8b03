package io.bourse.common;

/**
 * Every event-bus address, in one place. Form: {@code <domain>.<entity>[.<key>]}. Bridge-facing addresses live under
 * prefixes that anchored regexes can allow-list (md.*, trading.<tenant>.*, admin.*).
 */
public final class Addresses {
  private Addresses() {}
}

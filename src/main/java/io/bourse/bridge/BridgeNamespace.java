package io.bourse.bridge;

import io.bourse.auth.Role;
import io.bourse.common.Addresses;
import io.vertx.ext.bridge.PermittedOptions;
import java.util.List;

/**
 * The three bridge endpoints. Each has its own allow-list (anchored regexes, matched in full by the bridge), the role a
 * socket needs, and what happens when a client falls behind: market data is conflated to the latest message per
 * address (a stale tick is worthless), while trading and admin events are queued up to a bound and the socket is
 * closed past it (dropping an order update silently would leave the client with a wrong picture).
 *
 * <p>Inbound (client → server), only the authenticated namespaces permit one address, {@link Addresses#BRIDGE_AUTH},
 * and only in the form the security hook rewrites it to: the client's token never goes further than the hook.
 */
public enum BridgeNamespace {
  PUBLIC("/eventbus", null, true, List.of(), List.of(
      new PermittedOptions().setAddressRegex("md\\.tick\\.[A-Z0-9.\\-]{1,32}"),
      new PermittedOptions().setAddressRegex("md\\.candle\\.(1m|5m|1h|1d)\\.[A-Z0-9.\\-]{1,32}"))),
  TRADING("/eventbus/trading", Role.VIEWER, false, reauthentication(), List.of(
      // The shape only; the hook checks that the tenant segment is the socket's own tenant.
      new PermittedOptions().setAddressRegex("trading\\.[A-Za-z0-9_\\-]{1,64}\\.("
          + String.join("|", Addresses.TRADING_STREAMS) + ")"))),
  ADMIN("/eventbus/admin", Role.ADMIN, false, reauthentication(), List.of(
      new PermittedOptions().setAddressRegex("admin\\.(alerts|reconciliation|control)")));

  private final String path;
  private final Role requiredRole;
  private final boolean conflates;
  private final List<PermittedOptions> inbound;
  private final List<PermittedOptions> outbound;
  private final List<java.util.regex.Pattern> patterns;

  BridgeNamespace(String path, Role requiredRole, boolean conflates, List<PermittedOptions> inbound,
                  List<PermittedOptions> outbound) {
    this.path = path;
    this.requiredRole = requiredRole;
    this.conflates = conflates;
    this.inbound = inbound;
    this.outbound = outbound;
    this.patterns = outbound.stream().map(o -> java.util.regex.Pattern.compile(o.getAddressRegex())).toList();
  }

  /** An exact address, not a regex: nothing else is accepted from clients. */
  private static List<PermittedOptions> reauthentication() {
    return List.of(new PermittedOptions().setAddress(Addresses.BRIDGE_AUTH));
  }

  /** Mount path, without the trailing {@code /*}. */
  public String path() { return path; }

  /** Null for the public namespace: no token needed. */
  public Role requiredRole() { return requiredRole; }

  public boolean authenticated() { return requiredRole != null; }

  public boolean conflates() { return conflates; }

  List<PermittedOptions> inbound() { return inbound; }

  /** Whether an address matches one of the outbound regexes in full, as the bridge matches them. */
  boolean permits(String address) {
    for (java.util.regex.Pattern p : patterns) {
      if (p.matcher(address).matches()) return true;
    }
    return false;
  }

  List<PermittedOptions> outbound() { return outbound; }

  /** Metric tag value. */
  public String tag() { return name().toLowerCase(java.util.Locale.ROOT); }
}

package io.bourse.bridge;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code bridge} configuration section: per-socket bounds and timeouts of the SockJS event-bus bridge. Low by
 * default on purpose: a browser dashboard needs a handful of addresses, and every registration is an event-bus consumer
 * (a cluster-wide subscription when clustered).
 *
 * @param maxHandlersPerSocket addresses one socket may register
 * @param maxAddressLength     longest address accepted; at least {@link #MIN_ADDRESS_LENGTH}, the longest legitimate
 *                             one (a trading address of a 64-character tenant)
 * @param pingTimeoutMs        the client must send {"type":"ping"} at least this often, or the socket is closed
 * @param registerTimeoutMs    a socket that registers nothing within this time is closed (4400)
 * @param maxHeldPerSocket     queue bound: envelopes held for a trading/admin client that fell behind before it is
 *                             disconnected (4408); also for market data when conflation is off
 * @param conflateMarketData   a slow market-data client gets the latest message per address instead of a queue
 * @param heartbeatIntervalMs  SockJS heartbeat frames from the server (keeps proxies from closing idle connections)
 * @param sessionTimeoutMs     a polling-transport (xhr) session with no receiving request open for this long is closed
 * @param replyTimeoutMs       how long a client may take to reply to a server message that asked for one
 */
public record BridgeLimits(int maxHandlersPerSocket, int maxAddressLength, long pingTimeoutMs, long registerTimeoutMs,
                           int maxHeldPerSocket, boolean conflateMarketData, long heartbeatIntervalMs,
                           long sessionTimeoutMs, long replyTimeoutMs) {
  /** "trading." + a 64-character tenant id + ".positions". */
  public static final int MIN_ADDRESS_LENGTH = 82;

  private static final Set<String> KEYS = Set.of("maxHandlersPerSocket", "maxAddressLength", "pingTimeoutMs",
      "registerTimeoutMs", "maxHeldPerSocket", "conflateMarketData", "heartbeatIntervalMs", "sessionTimeoutMs",
      "replyTimeoutMs");

  public static BridgeLimits defaults() {
    return new BridgeLimits(20, 96, 30_000, 30_000, 256, true, 25_000, 10_000, 10_000);
  }

  /** Parses {@code bridge.*}; every problem is reported with its full key, unknown keys included. */
  public static BridgeLimits from(JsonObject section, ConfigProblems problems) {
    JsonObject s = section == null ? new JsonObject() : section;
    String p = "bridge.";
    for (String key : new TreeSet<>(s.fieldNames())) {
      if (!KEYS.contains(key)) problems.add(p + key, "unknown key (known: " + new TreeSet<>(KEYS) + ")");
    }
    BridgeLimits d = defaults();
    int handlers = problems.intIn(s, p, "maxHandlersPerSocket", d.maxHandlersPerSocket(), 1, 1000);
    int addressLength = problems.intIn(s, p, "maxAddressLength", d.maxAddressLength(), MIN_ADDRESS_LENGTH, 1024);
    long ping = problems.longIn(s, p, "pingTimeoutMs", d.pingTimeoutMs(), 1000, 600_000);
    long register = problems.longIn(s, p, "registerTimeoutMs", d.registerTimeoutMs(), 1000, 600_000);
    int held = problems.intIn(s, p, "maxHeldPerSocket", d.maxHeldPerSocket(), 1, 100_000);
    boolean conflate = problems.boolIn(s, p, "conflateMarketData", d.conflateMarketData());
    long heartbeat = problems.longIn(s, p, "heartbeatIntervalMs", d.heartbeatIntervalMs(), 1000, 600_000);
    long session = problems.longIn(s, p, "sessionTimeoutMs", d.sessionTimeoutMs(), 1000, 600_000);
    long reply = problems.longIn(s, p, "replyTimeoutMs", d.replyTimeoutMs(), 100, 600_000);
    return new BridgeLimits(handlers, addressLength, ping, register, held, conflate, heartbeat, session, reply);
  }
}

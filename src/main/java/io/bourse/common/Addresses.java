package io.bourse.common;

/**
 * Every event-bus address, in one place. Form: {@code <domain>.<entity>[.<key>]}. Bridge-facing addresses live under
 * prefixes that anchored regexes can allow-list (md.*, trading.<tenant>.*, admin.*).
 */
public final class Addresses {
  private Addresses() {}

  // --- Market data -------------------------------------------------------------------------------------------------
  // Internal addresses sit under md.internal.* so the bridge allow-list for md.* must exclude them explicitly
  // (regex "md\\.(tick|candle)\\..+"); they carry records through a local codec and never leave the JVM.

  /** Internal: {@link io.bourse.market.Tick} records (local codec) for the trading loop. Suffix: symbol. */
  public static final String MD_INTERNAL_TICK_PREFIX = "md.internal.tick.";
  /** Bridge: tick as JSON (decimal strings). Suffix: symbol. */
  public static final String MD_TICK_PREFIX = "md.tick.";
  /** Bridge: closed candle as JSON. Form md.candle.&lt;interval&gt;.&lt;SYMBOL&gt;. */
  public static final String MD_CANDLE_PREFIX = "md.candle.";
  /** Internal: JSON stale/fresh transitions per symbol, for the risk engine. */
  public static final String MD_STALENESS = "md.internal.staleness";
  /** Internal request/reply: current market-data status (staleness per symbol, counters) for /health/detailed. */
  public static final String MD_STATUS = "md.internal.status";
  /** Internal request/reply for GET /market/tickers/{symbol}: {"symbol"} → latest tick JSON. */
  public static final String MD_QUERY_TICKER = "md.internal.query.ticker";
  /** Internal request/reply for GET /market/candles/{symbol}: {"symbol","interval","fromMs","toMs","limit"}. */
  public static final String MD_QUERY_CANDLES = "md.internal.query.candles";
  /** Bridge (operators): alerts; market data publishes stale/fresh transitions here. */
  public static final String ADMIN_ALERTS = "admin.alerts";

  /** Bridge (operators): reconciliation run progress and results. */
  public static final String ADMIN_RECONCILIATION = "admin.reconciliation";
  /** Bridge (operators): trading-control state changes (ACTIVE / REDUCING / HALTED). */
  public static final String ADMIN_CONTROL = "admin.control";

  // --- Bridge -------------------------------------------------------------------------------------------------------
  /**
   * Bridge clients of /eventbus/trading and /eventbus/admin send {"accessToken"} here (with a reply address) to move
   * their open socket onto a fresh token. The bridge's security hook verifies it and replaces the body with its
   * verdict before the message goes on, so the token itself never reaches the bus; the consumer only answers it.
   */
  public static final String BRIDGE_AUTH = "bridge.auth";

  // --- Trading (per tenant; bridge-facing) -------------------------------------------------------------------------
  /** Prefix of the per-tenant streams: trading.&lt;tenantId&gt;.&lt;stream&gt;, stream one of {@link #TRADING_STREAMS}. */
  public static final String TRADING_PREFIX = "trading.";
  /** The streams a tenant's clients may receive on the bridge. */
  public static final java.util.List<String> TRADING_STREAMS = java.util.List.of("orders", "fills", "positions", "pnl",
      "alerts");

  // --- Trading (internal) -----------------------------------------------------------------------------------------
  /** Internal request/reply: commands for one trading shard, JSON {"action", "tenantId", "accountId", ...}. */
  public static final String TRADING_COMMAND_PREFIX = "trading.internal.cmd.";
  /** Internal publish: the new trading-control state, applied by every shard. */
  public static final String TRADING_CONTROL_CHANGED = "trading.internal.control";
  /** Internal publish: a strategy profile was created, changed or deleted; JSON {"profileId", "accountId"}. */
  public static final String TRADING_PROFILES_CHANGED = "trading.internal.profiles";

  /** Request/reply: start a reconciliation run ({@code accountId}, {@code rebuildHistory}, {@code await}). */
  public static final String RECONCILE_RUN = "reconcile.internal.run";

  /** Published by a trading shard when its venue report stream reconnected. */
  public static final String VENUE_RECONNECTED = "trading.internal.venue.reconnected";

  public static String tradingCommand(int shard) { return TRADING_COMMAND_PREFIX + shard; }

  public static String trading(String tenantId, String stream) { return TRADING_PREFIX + tenantId + "." + stream; }

  public static String mdInternalTick(String symbol) { return MD_INTERNAL_TICK_PREFIX + symbol; }

  public static String mdTick(String symbol) { return MD_TICK_PREFIX + symbol; }

  public static String mdCandle(String interval, String symbol) { return MD_CANDLE_PREFIX + interval + "." + symbol; }
}

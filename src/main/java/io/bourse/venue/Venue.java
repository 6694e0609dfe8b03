package io.bourse.venue;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The port the trading core talks to a venue through. The paper venue is reached through it over HTTP/WebSocket even
 * in-process, so the real network failure modes (timeouts, lost acks, reconnects) are exercised on every run.
 *
 * <p>Contract every implementation keeps:
 * <ul>
 *   <li>{@link #submit} is idempotent on (accountId, clientOrderId): a repeat returns the existing order's state and
 *       never creates a second order;</li>
 *   <li>futures fail with a {@code BourseException} coded {@code ERR_EXT_001} (timeout: the outcome is unknown),
 *       {@code ERR_EXT_002} (unreachable: nothing was sent) or {@code ERR_EXT_003} (quota);</li>
 *   <li>{@link #reports} delivers every execution report at least once and possibly out of order with respect to the
 *       replies; consumers deduplicate by {@link VenueExecution#executionId()} (fills) or sequence;</li>
 *   <li>every method completes on the caller's Vert.x context.</li>
 * </ul>
 */
public interface Venue {

  /** Places an order. Completes with its state right after the venue accepted (NEW/…) or rejected it. */
  Future<VenueOrderState> submit(VenueOrder order);

  /** Requests a cancel. Completes with the order's state afterwards (CANCELED, or terminal if it was already). */
  Future<VenueOrderState> cancel(String accountId, String clientOrderId);

  /** The venue's view of one order; completes with null when the venue has never seen that client order id. */
  Future<VenueOrderState> lookup(String accountId, String clientOrderId);

  /** Orders still working at the venue for one account. */
  Future<List<VenueOrderState>> openOrders(String accountId);

  /** Execution reports of one account with {@code sequence > afterSequence}, oldest first, at most {@code limit}. */
  Future<ExecutionPage> executions(String accountId, long afterSequence, int limit);

  /** Positions and cash movements the venue holds for one account. */
  Future<VenueAccount> account(String accountId);

  /** Live stream of execution reports for every account (replaces any earlier handler). */
  void reports(Handler<VenueExecution> handler);

  /** Called after the stream to the venue was re-established, so reconciliation can catch up on what was missed. */
  void onReconnect(Handler<Void> handler);

  /** Whether the report stream is currently connected. */
  boolean connected();

  /**
   * The last traded price the venue matches against. A paper venue has no market of its own: Bourse forwards its
   * ticks, so paper fills agree with what users see. Fire-and-forget; a real venue ignores it.
   */
  void markPrice(String symbol, BigDecimal price, Instant at);

  Future<Void> close();
}

package io.bourse.reconcile;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;

/**
 * The {@code trading.reconciliation} config section.
 *
 * @param onStart run once when the service starts (after {@code startDelayMs})
 * @param startDelayMs delay of the start-up run, so the shards' own catch-up settles first
 * @param intervalMs period of scheduled runs; 0 disables them
 * @param afterReconnect run when a shard's venue stream reconnects
 * @param accountTimeoutMs how long one account's reconciliation may take on its shard
 * @param streamGraceMs how long a run waits for the venue's stream to deliver executions the venue already listed,
 *     before it applies them itself and reports them as missed
 */
public record ReconciliationConfig(boolean onStart, long startDelayMs, long intervalMs, boolean afterReconnect,
    long accountTimeoutMs, long streamGraceMs) {
  private static final String P = "trading.reconciliation.";

  public static ReconciliationConfig defaults() { return from(new JsonObject(), new ConfigProblems()); }

  public static ReconciliationConfig from(JsonObject r, ConfigProblems problems) {
    return new ReconciliationConfig(
        problems.boolIn(r, P, "onStart", true),
        problems.longIn(r, P, "startDelayMs", 2_000, 0, 600_000),
        problems.longIn(r, P, "intervalMs", 300_000, 0, 86_400_000),
        problems.boolIn(r, P, "afterReconnect", true),
        problems.longIn(r, P, "accountTimeoutMs", 60_000, 1_000, 3_600_000),
        problems.longIn(r, P, "streamGraceMs", 2_000, 0, 30_000));
  }
}

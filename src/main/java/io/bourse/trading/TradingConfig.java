package io.bourse.trading;

import io.bourse.config.ConfigProblems;
import io.bourse.reconcile.ReconciliationConfig;
import io.bourse.trading.domain.ReservationPolicy;
import io.bourse.trading.domain.risk.RiskLimits;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code trading} config section, parsed once. Every problem names its full key ({@code trading.*}).
 *
 * @param paperFunding what each new paper account is credited with, per currency
 * @param limits the account-level risk limits every order is held to (profiles may tighten them)
 * @param commandTimeoutMs how long REST waits for a shard's answer (it includes the venue round trip)
 * @param demoStrategy whether the bootstrap tenant gets an enabled demo strategy profile on first start, so the
 *     service trades the simulated market on its own out of the box
 * @param runStrategies whether shards evaluate enabled strategy profiles (the {@code reconcile} CLI turns it off)
 * @param reconciliation when reconciliation runs
 */
public record TradingConfig(Map<String, BigDecimal> paperFunding, ReservationPolicy reservation, RiskLimits limits,
    long commandTimeoutMs, boolean demoStrategy, boolean runStrategies, ReconciliationConfig reconciliation) {

  public TradingConfig(Map<String, BigDecimal> paperFunding, ReservationPolicy reservation, RiskLimits limits,
      long commandTimeoutMs, boolean demoStrategy) {
    this(paperFunding, reservation, limits, commandTimeoutMs, demoStrategy, true, ReconciliationConfig.defaults());
  }


  private static final String P = "trading.";

  public static TradingConfig defaults() { return from(new JsonObject(), new ConfigProblems()); }

  public static TradingConfig from(JsonObject t, ConfigProblems problems) {
    Map<String, BigDecimal> funding = new LinkedHashMap<>();
    JsonObject fundingJson = t.getValue("paperFunding") instanceof JsonObject o ? o : null;
    if (t.containsKey("paperFunding") && fundingJson == null) problems.add(P + "paperFunding", "must be an object");
    if (fundingJson == null) fundingJson = new JsonObject().put("USD", "100000");
    for (String currency : fundingJson.fieldNames()) {
      if (!currency.matches("[A-Z]{3,5}")) problems.add(P + "paperFunding." + currency, "currency must be 3-5 capitals");
      BigDecimal amount = decimal(fundingJson, P + "paperFunding.", currency, null, problems);
      if (amount != null && amount.signum() <= 0) problems.add(P + "paperFunding." + currency, "must be positive");
      if (amount != null) funding.put(currency, amount);
    }
    BigDecimal feeRate = decimal(t, P, "feeRate", "0.001", problems);
    BigDecimal buffer = decimal(t, P, "marketSlippageBuffer", "0.02", problems);
    ReservationPolicy reservation = ReservationPolicy.DEFAULT;
    try {
      reservation = new ReservationPolicy(feeRate, buffer);
    } catch (IllegalArgumentException e) {
      problems.add(P + "feeRate", e.getMessage());
    }

    JsonObject l = problems.section(t, P, "limits");
    String lp = P + "limits.";
    RiskLimits limits = new RiskLimits(
        decimal(l, lp, "maxOrderNotional", "1000000", problems),
        decimal(l, lp, "maxPositionQuantity", null, problems),
        decimal(l, lp, "priceBandFraction", "0.10", problems),
        problems.intIn(l, lp, "maxOpenOrders", 500, 1, 1_000_000),
        problems.intIn(l, lp, "maxOrdersPerMinute", 100_000, 1, 10_000_000),
        decimal(l, lp, "dailyLossLimit", "50000", problems),
        Duration.ofMillis(problems.longIn(l, lp, "maxMarketDataAgeMs", 30_000, 100, 86_400_000)));
    long timeout = problems.longIn(t, P, "commandTimeoutMs", 10_000, 100, 120_000);
    boolean demo = problems.boolIn(t, P, "demoStrategy", true);
    boolean strategies = problems.boolIn(t, P, "runStrategies", true);
    ReconciliationConfig reconciliation = ReconciliationConfig.from(problems.section(t, P, "reconciliation"), problems);
    return new TradingConfig(Map.copyOf(funding), reservation, limits, timeout, demo, strategies, reconciliation);
  }

  private static BigDecimal decimal(JsonObject section, String prefix, String key, String def, ConfigProblems problems) {
    Object raw = section.getValue(key);
    if (raw == null) return def == null ? null : new BigDecimal(def);
    try {
      BigDecimal value = new BigDecimal(raw.toString());
      if (value.signum() < 0) problems.add(prefix + key, "must not be negative, got " + raw);
      return value;
    } catch (NumberFormatException e) {
      problems.add(prefix + key, "must be a decimal number (as a string), got '" + raw + "'");
      return def == null ? null : new BigDecimal(def);
    }
  }
}

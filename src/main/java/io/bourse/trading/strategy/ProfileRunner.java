package io.bourse.trading.strategy;

import io.bourse.trading.domain.Side;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Per-profile streaming state: the rule's detector and the position the profile believes it holds. The belief is
 * optimistic (an emitted entry counts as filled at the tick price) until the owner corrects it with
 * {@link StrategyEvaluator#syncPosition}, e.g. after a rejected order or a fill at another price.
 *
 * <p>Exit levels are exact decimals, but each tick compares the price against them in {@code double} first and falls
 * back to BigDecimal only when the two are too close for doubles to be sure (see {@link #compare}); the decision is
 * always the exact one, and the common case stays free of BigDecimal arithmetic.
 */
final class ProfileRunner {
  /** Far above the relative error of two correctly rounded BigDecimal → double conversions (about 2.2e-16). */
  private static final double DECISIVE_RELATIVE_GAP = 1e-9;

  final StrategyProfile profile;
  private final EntryRule.SignalDetector detector;
  private final double trailingKeep;
  private BigDecimal heldQuantity = BigDecimal.ZERO;
  private BigDecimal stopLevel;
  private double stopApprox;
  private BigDecimal takeProfitLevel;
  private double takeProfitApprox;
  private BigDecimal highSinceEntry;
  private double highApprox;
  private Instant quietUntil = Instant.MIN;

  ProfileRunner(StrategyProfile profile, IndicatorSource indicators) {
    this.profile = profile;
    this.detector = profile.entryRule().newDetector(indicators);
    BigDecimal trailing = profile.exitRules().trailingStopFraction();
    this.trailingKeep = trailing == null ? Double.NaN : BigDecimal.ONE.subtract(trailing).doubleValue();
  }

  /** Reads the rule (every tick, so crossovers are tracked through cooldowns) and returns the intent this tick causes, if any. */
  StrategySignal onTick(Tick tick, double price) {
    EntrySignal signal = detector.onPrice(price);
    if (heldQuantity.signum() > 0) {
      SignalReason exit = exitReason(tick.price(), price, signal);
      return exit == null ? null : exit(tick, exit);
    }
    if (signal != EntrySignal.ENTER_LONG || tick.at().isBefore(quietUntil)) return null;
    BigDecimal quantity = profile.sizing().quantity(tick.price(), profile.lotSize());
    if (quantity.signum() <= 0) return null;
    hold(quantity, tick.price());
    return new StrategySignal(profile.id(), profile.accountId(), profile.symbol(), Side.BUY, quantity,
        SignalReason.ENTRY, tick.price(), tick.at());
  }

  void hold(BigDecimal quantity, BigDecimal entryPrice) {
    heldQuantity = quantity;
    if (quantity.signum() <= 0) {
      stopLevel = takeProfitLevel = highSinceEntry = null;
      return;
    }
    ExitRules exits = profile.exitRules();
    stopLevel = exits.stopLossFraction() == null ? null
        : entryPrice.multiply(BigDecimal.ONE.subtract(exits.stopLossFraction()));
    stopApprox = stopLevel == null ? Double.NaN : stopLevel.doubleValue();
    takeProfitLevel = exits.takeProfitFraction() == null ? null
        : entryPrice.multiply(BigDecimal.ONE.add(exits.takeProfitFraction()));
    takeProfitApprox = takeProfitLevel == null ? Double.NaN : takeProfitLevel.doubleValue();
    highSinceEntry = entryPrice;
    highApprox = entryPrice.doubleValue();
  }

  BigDecimal heldQuantity() { return heldQuantity; }

  private SignalReason exitReason(BigDecimal price, double approx, EntrySignal signal) {
    if (stopLevel != null && compare(price, approx, stopLevel, stopApprox) <= 0) return SignalReason.STOP_LOSS;
    if (takeProfitLevel != null && compare(price, approx, takeProfitLevel, takeProfitApprox) >= 0) {
      return SignalReason.TAKE_PROFIT;
    }
    BigDecimal trailingFraction = profile.exitRules().trailingStopFraction();
    if (trailingFraction != null) {
      if (compare(price, approx, highSinceEntry, highApprox) > 0) {
        highSinceEntry = price;
        highApprox = approx;
      } else if (belowTrailingLevel(price, approx, trailingFraction)) {
        return SignalReason.TRAILING_STOP;
      }
    }
    return signal == EntrySignal.EXIT_LONG ? SignalReason.EXIT_SIGNAL : null;
  }

  /** price <= high × (1 − fraction), the exact product computed only when doubles cannot tell. */
  private boolean belowTrailingLevel(BigDecimal price, double approx, BigDecimal fraction) {
    double levelApprox = highApprox * trailingKeep;
    double gap = approx - levelApprox;
    if (Math.abs(gap) > Math.abs(levelApprox) * DECISIVE_RELATIVE_GAP) return gap < 0;
    return price.compareTo(highSinceEntry.multiply(BigDecimal.ONE.subtract(fraction))) <= 0;
  }

  /** Sign of (price − level): decided in double when the gap is far beyond rounding error, else exactly. */
  private static int compare(BigDecimal price, double priceApprox, BigDecimal level, double levelApprox) {
    double gap = priceApprox - levelApprox;
    if (Math.abs(gap) > Math.abs(levelApprox) * DECISIVE_RELATIVE_GAP) return gap > 0 ? 1 : -1;
    return price.compareTo(level);
  }

  private StrategySignal exit(Tick tick, SignalReason reason) {
    StrategySignal signal = new StrategySignal(profile.id(), profile.accountId(), profile.symbol(), Side.SELL,
        heldQuantity, reason, tick.price(), tick.at());
    hold(BigDecimal.ZERO, null);
    quietUntil = tick.at().plus(profile.cooldown());
    return signal;
  }
}

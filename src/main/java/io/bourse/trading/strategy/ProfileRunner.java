package io.bourse.trading.strategy;

import io.bourse.trading.domain.Side;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Per-profile streaming state: the rule's detector and the position the profile believes it holds. The belief is
 * optimistic (an emitted entry counts as filled at the tick price) until the owner corrects it with
 * {@link StrategyEvaluator#syncPosition}, e.g. after a rejected order or a fill at another price.
 */
final class ProfileRunner {
  final StrategyProfile profile;
  private final EntryRule.SignalDetector detector;
  private BigDecimal heldQuantity = BigDecimal.ZERO;
  private BigDecimal stopLevel;
  private BigDecimal takeProfitLevel;
  private BigDecimal highSinceEntry;
  private BigDecimal trailingLevel;
  private Instant quietUntil = Instant.MIN;

  ProfileRunner(StrategyProfile profile) {
    this.profile = profile;
    this.detector = profile.entryRule().newDetector();
  }

  /** Feeds the indicators (always, so they stay warm during cooldowns) and returns the intent this tick causes, if any. */
  StrategySignal onTick(Tick tick, double price) {
    EntrySignal signal = detector.onPrice(price);
    if (heldQuantity.signum() > 0) {
      SignalReason exit = exitReason(tick.price(), signal);
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
      stopLevel = takeProfitLevel = highSinceEntry = trailingLevel = null;
      return;
    }
    ExitRules exits = profile.exitRules();
    stopLevel = exits.stopLossFraction() == null ? null
        : entryPrice.multiply(BigDecimal.ONE.subtract(exits.stopLossFraction()));
    takeProfitLevel = exits.takeProfitFraction() == null ? null
        : entryPrice.multiply(BigDecimal.ONE.add(exits.takeProfitFraction()));
    highSinceEntry = entryPrice;
    trailingLevel = trailingLevelBelow(entryPrice);
  }

  BigDecimal heldQuantity() { return heldQuantity; }

  private SignalReason exitReason(BigDecimal price, EntrySignal signal) {
    if (stopLevel != null && price.compareTo(stopLevel) <= 0) return SignalReason.STOP_LOSS;
    if (takeProfitLevel != null && price.compareTo(takeProfitLevel) >= 0) return SignalReason.TAKE_PROFIT;
    if (trailingLevel != null) {
      if (price.compareTo(highSinceEntry) > 0) {
        highSinceEntry = price;
        trailingLevel = trailingLevelBelow(price);
      } else if (price.compareTo(trailingLevel) <= 0) {
        return SignalReason.TRAILING_STOP;
      }
    }
    return signal == EntrySignal.EXIT_LONG ? SignalReason.EXIT_SIGNAL : null;
  }

  private BigDecimal trailingLevelBelow(BigDecimal high) {
    BigDecimal fraction = profile.exitRules().trailingStopFraction();
    return fraction == null ? null : high.multiply(BigDecimal.ONE.subtract(fraction));
  }

  private StrategySignal exit(Tick tick, SignalReason reason) {
    StrategySignal signal = new StrategySignal(profile.id(), profile.accountId(), profile.symbol(), Side.SELL,
        heldQuantity, reason, tick.price(), tick.at());
    hold(BigDecimal.ZERO, null);
    quietUntil = tick.at().plus(profile.cooldown());
    return signal;
  }
}

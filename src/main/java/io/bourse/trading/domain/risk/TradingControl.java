package io.bourse.trading.domain.risk;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The global trading state with per-profile and per-account overrides, as one immutable value the operator endpoint
 * replaces. Per-account states are set by reconciliation (REDUCING when an account needs attention) and cleared by an
 * operator.
 */
public record TradingControl(TradingState global, Map<String, TradingState> byProfile, Map<String, TradingState> byAccount) {
  public static final TradingControl ALL_ACTIVE = new TradingControl(TradingState.ACTIVE, Map.of(), Map.of());

  public TradingControl {
    Objects.requireNonNull(global, "global");
    byProfile = Map.copyOf(byProfile);
    byAccount = Map.copyOf(byAccount);
  }

  public TradingControl(TradingState global, Map<String, TradingState> byProfile) {
    this(global, byProfile, Map.of());
  }

  /** The state an order from this profile (null for manual orders) is held to. */
  public TradingState effective(String profileId) {
    return profileId == null ? global : global.stricter(byProfile.get(profileId));
  }

  /** The state an order of this account from this profile (null for manual orders) is held to: the strictest. */
  public TradingState effective(String accountId, String profileId) {
    TradingState state = effective(profileId);
    return accountId == null ? state : state.stricter(byAccount.get(accountId));
  }

  public TradingControl withGlobal(TradingState state) { return new TradingControl(state, byProfile, byAccount); }

  public TradingControl withProfile(String profileId, TradingState state) {
    Map<String, TradingState> copy = new HashMap<>(byProfile);
    copy.put(profileId, state);
    return new TradingControl(global, copy, byAccount);
  }

  /** Sets an account's state; ACTIVE removes the override. */
  public TradingControl withAccount(String accountId, TradingState state) {
    Map<String, TradingState> copy = new HashMap<>(byAccount);
    if (state == TradingState.ACTIVE) copy.remove(accountId); else copy.put(accountId, state);
    return new TradingControl(global, byProfile, copy);
  }
}

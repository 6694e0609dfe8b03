package io.bourse.trading.domain.risk;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** The global trading state and per-profile overrides, as one immutable value the operator endpoint replaces. */
public record TradingControl(TradingState global, Map<String, TradingState> byProfile) {
  public static final TradingControl ALL_ACTIVE = new TradingControl(TradingState.ACTIVE, Map.of());

  public TradingControl {
    Objects.requireNonNull(global, "global");
    byProfile = Map.copyOf(byProfile);
  }

  /** The state an order from this profile (null for manual orders) is held to. */
  public TradingState effective(String profileId) {
    return profileId == null ? global : global.stricter(byProfile.get(profileId));
  }

  public TradingControl withGlobal(TradingState state) { return new TradingControl(state, byProfile); }

  public TradingControl withProfile(String profileId, TradingState state) {
    Map<String, TradingState> copy = new HashMap<>(byProfile);
    copy.put(profileId, state);
    return new TradingControl(global, copy);
  }
}

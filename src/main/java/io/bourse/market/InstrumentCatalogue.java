package io.bourse.market;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Immutable symbol → instrument lookup, in seed order. */
public final class InstrumentCatalogue {
  private final Map<String, Instrument> bySymbol;

  public InstrumentCatalogue(List<Instrument> instruments) {
    Map<String, Instrument> m = new LinkedHashMap<>();
    for (Instrument i : instruments) {
      if (m.putIfAbsent(i.symbol(), i) != null) {
        throw new IllegalArgumentException("duplicate instrument " + i.symbol());
      }
    }
    this.bySymbol = Collections.unmodifiableMap(m);
  }

  public Optional<Instrument> find(String symbol) { return Optional.ofNullable(bySymbol.get(symbol)); }

  public boolean contains(String symbol) { return bySymbol.containsKey(symbol); }

  public Collection<Instrument> all() { return bySymbol.values(); }

  public int size() { return bySymbol.size(); }
}

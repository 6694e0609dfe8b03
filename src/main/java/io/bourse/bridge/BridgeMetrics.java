package io.bourse.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bridge meters, tagged by namespace only (never by address or tenant: those grow without bound). One instance per
 * process, shared by every HTTP verticle instance; Micrometer meters are thread-safe.
 */
public final class BridgeMetrics {
  private final Map<BridgeNamespace, AtomicInteger> connected = new EnumMap<>(BridgeNamespace.class);
  private final Map<BridgeNamespace, AtomicInteger> held = new EnumMap<>(BridgeNamespace.class);
  private final Map<BridgeNamespace, Counter> out = new EnumMap<>(BridgeNamespace.class);
  private final Map<BridgeNamespace, Counter> conflated = new EnumMap<>(BridgeNamespace.class);
  private final Map<BridgeNamespace, Counter> slowClosed = new EnumMap<>(BridgeNamespace.class);
  private final Map<BridgeNamespace, Counter> denied = new EnumMap<>(BridgeNamespace.class);
  private final Map<BridgeNamespace, Counter> refused = new EnumMap<>(BridgeNamespace.class);

  public BridgeMetrics(MeterRegistry registry) {
    for (BridgeNamespace ns : BridgeNamespace.values()) {
      String tag = ns.tag();
      AtomicInteger c = new AtomicInteger();
      AtomicInteger h = new AtomicInteger();
      connected.put(ns, c);
      held.put(ns, h);
      Gauge.builder("bourse.bridge.sockets", c, AtomicInteger::get).tag("namespace", tag)
          .description("Open bridge sockets").register(registry);
      Gauge.builder("bourse.bridge.held.messages", h, AtomicInteger::get).tag("namespace", tag)
          .description("Messages held for clients that fell behind (bounded per socket)").register(registry);
      out.put(ns, Counter.builder("bourse.bridge.messages.out").tag("namespace", tag).register(registry));
      conflated.put(ns, Counter.builder("bourse.bridge.messages.conflated").tag("namespace", tag)
          .description("Messages replaced by a newer one for the same address before a slow client took them")
          .register(registry));
      slowClosed.put(ns, Counter.builder("bourse.bridge.sockets.slow.closed").tag("namespace", tag)
          .description("Sockets closed because their bounded queue overflowed").register(registry));
      denied.put(ns, Counter.builder("bourse.bridge.registrations.denied").tag("namespace", tag).register(registry));
      refused.put(ns, Counter.builder("bourse.bridge.sockets.refused").tag("namespace", tag)
          .description("Sockets refused at creation (missing, invalid or expired token, insufficient role)")
          .register(registry));
    }
  }

  void opened(BridgeNamespace ns) { connected.get(ns).incrementAndGet(); }

  void closed(BridgeNamespace ns) { connected.get(ns).decrementAndGet(); }

  void held(BridgeNamespace ns, int delta) { held.get(ns).addAndGet(delta); }

  void out(BridgeNamespace ns) { out.get(ns).increment(); }

  void conflated(BridgeNamespace ns) { conflated.get(ns).increment(); }

  void slowClosed(BridgeNamespace ns) { slowClosed.get(ns).increment(); }

  void denied(BridgeNamespace ns) { denied.get(ns).increment(); }

  void refused(BridgeNamespace ns) { refused.get(ns).increment(); }

  public int connected(BridgeNamespace ns) { return connected.get(ns).get(); }

  public int held(BridgeNamespace ns) { return held.get(ns).get(); }

  public double conflatedCount(BridgeNamespace ns) { return conflated.get(ns).count(); }

  public double deniedCount(BridgeNamespace ns) { return denied.get(ns).count(); }
}

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
  private final Map<BridgeNamespace, Map<Reauth, Counter>> reauth = new EnumMap<>(BridgeNamespace.class);

  /** How a re-authentication over an open socket ended. */
  public enum Reauth {
    /** The socket now runs on the new token. */
    OK,
    /** Invalid, expired or malformed token: answered with an error, the socket keeps its current token. */
    REFUSED,
    /** Another user's or tenant's token, a disabled user, a role below the namespace's: the socket was closed. */
    CLOSED;

    String tag() { return name().toLowerCase(java.util.Locale.ROOT); }
  }

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
      Map<Reauth, Counter> byOutcome = new EnumMap<>(Reauth.class);
      for (Reauth outcome : Reauth.values()) {
        byOutcome.put(outcome, Counter.builder("bourse.bridge.reauthentications").tag("namespace", tag)
            .tag("outcome", outcome.tag())
            .description("Fresh access tokens presented over an open socket (bridge.auth), by outcome")
            .register(registry));
      }
      reauth.put(ns, byOutcome);
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

  void reauth(BridgeNamespace ns, Reauth outcome) { reauth.get(ns).get(outcome).increment(); }

  public double reauthCount(BridgeNamespace ns, Reauth outcome) { return reauth.get(ns).get(outcome).count(); }

  public int connected(BridgeNamespace ns) { return connected.get(ns).get(); }

  public int held(BridgeNamespace ns) { return held.get(ns).get(); }

  public double conflatedCount(BridgeNamespace ns) { return conflated.get(ns).count(); }

  public double deniedCount(BridgeNamespace ns) { return denied.get(ns).count(); }
}

package io.bourse.common;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named crash points for the crash-recovery tests (reference/reliability.md §4.2). Test-only: armed by the system
 * property {@code bourse.faultAt} or the environment variable {@code BOURSE_FAULT_AT}, as {@code <point>} or
 * {@code <point>:<n>} (halt at the n-th hit, default the first). When the armed point is reached the JVM halts with
 * {@code Runtime.halt(137)}, like {@code kill -9}: no shutdown hooks, no flush. Unarmed (the default, and always in
 * production) {@link #hit} is one read of a static final field.
 */
public final class FaultPoints {
  private static final Logger log = LoggerFactory.getLogger(FaultPoints.class);

  /** C2: the order is durable in PENDING_NEW, the venue has not been asked. */
  public static final String AFTER_PERSIST_BEFORE_VENUE_SEND = "after-persist-before-venue-send";
  /** C3/C4: the venue has the order (and may have filled it), its answer is not applied locally. */
  public static final String AFTER_VENUE_SEND_BEFORE_ACK = "after-venue-send-before-ack";
  /** C5: a venue fill has reached the shard but is not applied or persisted. */
  public static final String AFTER_VENUE_FILL_BEFORE_APPLY = "after-venue-fill-before-apply";
  /** C8: PENDING_CANCEL is durable and the cancel reached the venue (a fill may have raced it), the answer is lost. */
  public static final String CANCEL_RACING_FILL = "cancel-racing-fill";

  public static final Set<String> ALL = Set.of(AFTER_PERSIST_BEFORE_VENUE_SEND, AFTER_VENUE_SEND_BEFORE_ACK,
      AFTER_VENUE_FILL_BEFORE_APPLY, CANCEL_RACING_FILL);

  public static final String PROPERTY = "bourse.faultAt";
  public static final String ENV = "BOURSE_FAULT_AT";
  public static final int HALT_STATUS = 137;

  private static final String ARMED;
  private static final int AT_HIT;
  /** Why the setting was refused (nothing is armed then), or null. */
  private static final String PROBLEM;
  private static final AtomicInteger HITS = new AtomicInteger();

  static {
    String spec = System.getProperty(PROPERTY, System.getenv(ENV));
    String point = null;
    int n = 1;
    String problem = null;
    if (spec != null && !spec.isBlank()) {
      String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":", 2);
      if (!ALL.contains(parts[0])) {
        problem = "unknown fault point '" + parts[0] + "'; known: " + new java.util.TreeSet<>(ALL);
      } else if (parts.length == 2 && !parts[1].matches("[1-9][0-9]{0,8}")) {
        problem = "'" + parts[1] + "' is not a hit count (a positive integer)";
      } else {
        point = parts[0];
        if (parts.length == 2) n = Integer.parseInt(parts[1]);
        log.warn("Fault point {} ARMED: the JVM halts at hit {}", point, n);
      }
    }
    ARMED = point;
    AT_HIT = n;
    PROBLEM = problem;
  }

  /**
   * A refused {@code BOURSE_FAULT_AT}/{@code bourse.faultAt} as a configuration problem naming the setting, or null:
   * the launchers check it before starting anything, so a mistyped point stops start-up instead of arming nothing.
   */
  public static String problem() {
    return PROBLEM == null ? null : ENV + " (" + PROPERTY + "): " + PROBLEM;
  }

  private FaultPoints() {}

  /** Marks that execution reached {@code point}; halts the JVM if that point is armed and this is the armed hit. */
  public static void hit(String point) {
    if (ARMED == null || !ARMED.equals(point)) return;
    if (HITS.incrementAndGet() < AT_HIT) return;
    System.err.println("FAULT POINT " + point + " reached: halting");
    System.err.flush();
    Runtime.getRuntime().halt(HALT_STATUS);
  }

  /** The armed point, or null. */
  public static String armed() { return ARMED; }
}

package io.bourse.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Frames on their way to one bridge socket, with a bound on what a slow client can make the server hold. A socket's
 * write queue is unbounded: a client that stops reading would grow server memory without limit. So a frame is written
 * only while nothing is held and the socket's write queue is not full; otherwise it is held here until the socket
 * drains:
 * <ul>
 *   <li>conflating (market data): only the latest frame per address is kept (a stale tick is worthless), so at most
 *   one frame per registered address is held, however fast the feed;</li>
 *   <li>queueing (trading, admin): frames are kept in order up to {@link BridgeLimits#maxHeldPerSocket()}; past it
 *   {@link #offer} reports the overflow and the caller closes the socket (dropping an order update silently would
 *   leave the client with a wrong picture; it resyncs on reconnect).</li>
 * </ul>
 * Frames are encoded bytes, so a held frame costs its size and nothing is encoded again on drain. One instance per
 * socket, used only on the socket's event loop.
 */
final class Outbox {
  private final SockJSSocket sock;
  private final BridgeNamespace ns;
  private final BridgeMetrics metrics;
  private final boolean conflate;
  private final int maxHeld;
  /** Conflating: the latest frame per address, in first-held order. */
  private final LinkedHashMap<String, Buffer> latest = new LinkedHashMap<>();
  /** Queueing: frames in order. */
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private boolean closed;

  Outbox(SockJSSocket sock, BridgeNamespace ns, BridgeMetrics metrics, BridgeLimits limits) {
    this.sock = sock;
    this.ns = ns;
    this.metrics = metrics;
    this.conflate = ns.conflates() && limits.conflateMarketData();
    this.maxHeld = limits.maxHeldPerSocket();
  }

  /** Whether a frame may go straight to the socket now (nothing held to keep order behind, room in its queue). */
  boolean writable() {
    return !closed && held() == 0 && !sock.writeQueueFull();
  }

  /** Counts a frame written straight to the socket by someone else (the bridge itself, after {@link #writable}). */
  void wroteDirectly() {
    metrics.out(ns);
  }

  /**
   * Writes the frame, or holds it while the client is behind. False when a queueing outbox would exceed its bound:
   * the frame is not kept, and the caller must close the socket.
   */
  boolean offer(String address, Buffer frame) {
    if (closed) return true;
    if (writable()) {
      metrics.out(ns);
      sock.write(frame);
      return true;
    }
    return hold(address, frame);
  }

  /** Holds a frame the socket cannot take now (see {@link #offer}). */
  boolean hold(String address, Buffer frame) {
    if (closed) return true;
    if (conflate) {
      if (latest.remove(address) != null) {
        metrics.conflated(ns);
      } else {
        metrics.held(ns, 1);
      }
      latest.put(address, frame); // re-inserted last: the newest value goes out after older addresses
    } else if (queue.size() >= maxHeld) {
      metrics.slowClosed(ns);
      return false;
    } else {
      queue.add(frame);
      metrics.held(ns, 1);
    }
    if (held() == 1) {
      sock.drainHandler(v -> flush());
      if (!sock.writeQueueFull()) flush();
    }
    return true;
  }

  private void flush() {
    while (held() > 0 && !closed && !sock.writeQueueFull()) {
      Buffer next;
      if (!queue.isEmpty()) {
        next = queue.poll();
      } else {
        Iterator<Buffer> first = latest.values().iterator();
        next = first.next();
        first.remove();
      }
      metrics.held(ns, -1);
      metrics.out(ns);
      sock.write(next);
    }
    // Still behind: the drain handler stays set and calls us again.
  }

  int held() {
    return latest.size() + queue.size();
  }

  /** The socket is going away: forget what is held (idempotent). */
  void close() {
    closed = true;
    int held = held();
    if (held > 0) metrics.held(ns, -held);
    latest.clear();
    queue.clear();
  }
}

package io.bourse.bridge;

/**
 * Per-socket bounds. Low on purpose: a browser dashboard needs a handful of addresses, and every registration is an
 * event-bus consumer (a cluster-wide subscription when clustered).
 *
 * @param maxHandlersPerSocket addresses one socket may register
 * @param maxAddressLength     longest address accepted (the longest legitimate one is a trading address with a 64-char tenant)
 * @param pingTimeoutMs        the client must send {"type":"ping"} at least this often
 * @param registerTimeoutMs    a socket that registers nothing within this time is closed
 * @param maxHeldPerSocket     trading/admin envelopes held for a client that fell behind before it is disconnected
 */
public record BridgeLimits(int maxHandlersPerSocket, int maxAddressLength, long pingTimeoutMs, long registerTimeoutMs,
                           int maxHeldPerSocket) {
  public static BridgeLimits defaults() {
    return new BridgeLimits(20, 96, 30_000, 30_000, 256);
  }
}

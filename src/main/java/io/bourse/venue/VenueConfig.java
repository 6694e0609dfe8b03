package io.bourse.venue;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code venue} config section, parsed once. Every problem is reported with its full key ({@code venue.*});
 * unknown keys are refused so a typo cannot silently leave a default in place.
 *
 * <p>{@code mode}: {@code in-process} starts the paper venue inside this JVM (on an ephemeral loopback port, reached
 * over HTTP/WebSocket all the same); {@code remote} only connects to {@code url} (a venue started with
 * {@code java -jar bourse.jar venue}). {@code host}/{@code port} are where the standalone venue listens.
 */
public record VenueConfig(Mode mode, String url, String host, int port, Matching matching, Faults faults,
                          Client client) {

  public enum Mode {
    IN_PROCESS("in-process"), REMOTE("remote");

    private final String key;

    Mode(String key) { this.key = key; }

    public String key() { return key; }
  }

  /**
   * How the paper venue fills. Slippage and fees are in basis points; slippage moves a taker's price against it
   * (buys higher, sells lower), fees are charged on the notional in the quote currency. At most
   * {@code maxFillFraction} of an order's quantity (and at most {@code maxFillQuantity}, 0 = no cap) fills per
   * matching opportunity (submission or mark-price update), so partial fills happen. {@code latencyMs} delays the
   * handling of every submit, cancel and mark price, so acks and fills lag what caused them. The quote currency of a symbol is what follows its last '-'
   * ({@code BTC-USD} → USD), else {@code defaultCurrency}.
   */
  public record Matching(BigDecimal slippageBps, BigDecimal feeBps, long latencyMs, BigDecimal maxFillFraction,
                         BigDecimal maxFillQuantity, String defaultCurrency) {}

  /**
   * Fault injection, off by default. Probabilities are 0..1 and are drawn per submit/cancel request
   * ({@code dropStreamProbability} per stream message). {@code seed} 0 draws from a random seed.
   * <ul>
   *   <li>{@code rejectProbability}: the order is journaled as REJECTED ("rejected by fault injection");</li>
   *   <li>{@code quotaProbability}: 429 {@code ERR_EXT_003}, nothing is created;</li>
   *   <li>{@code ackDelayMs}: the reply is held this long after the order was journaled;</li>
   *   <li>{@code dropAckProbability}: the order is handled and journaled, then the connection is closed unanswered;</li>
   *   <li>{@code timeoutProbability}: the order is handled and journaled, and the reply is never sent;</li>
   *   <li>{@code dropStreamProbability}: a pushed execution report is not sent (it stays in the journal).</li>
   * </ul>
   */
  public record Faults(double rejectProbability, double quotaProbability, long ackDelayMs, double dropAckProbability,
                       double timeoutProbability, double dropStreamProbability, long seed) {
    public static Faults none() { return new Faults(0, 0, 0, 0, 0, 0, 0); }
  }

  /** The client side: per-request timeout, connect timeout, and the stream's reconnect backoff bounds. */
  /**
   * @param maxConnections HTTP/1.1 connections to the venue per client: each submit holds one for its round trip
   *     (the venue fsyncs before answering), so this bounds orders in flight per shard
   */
  public record Client(long requestTimeoutMs, long connectTimeoutMs, long reconnectInitialMs, long reconnectMaxMs,
      int maxConnections) {
    public Client(long requestTimeoutMs, long connectTimeoutMs, long reconnectInitialMs, long reconnectMaxMs) {
      this(requestTimeoutMs, connectTimeoutMs, reconnectInitialMs, reconnectMaxMs, 64);
    }
  }

  private static final String P = "venue.";
  private static final Set<String> KEYS = Set.of("mode", "url", "host", "port", "slippageBps", "feeBps", "latencyMs",
      "maxFillFraction", "maxFillQuantity", "defaultCurrency", "faults", "client");
  private static final Set<String> FAULT_KEYS = Set.of("rejectProbability", "quotaProbability", "ackDelayMs",
      "dropAckProbability", "timeoutProbability", "dropStreamProbability", "seed");
  private static final Set<String> CLIENT_KEYS = Set.of("requestTimeoutMs", "connectTimeoutMs", "reconnectInitialMs",
      "reconnectMaxMs", "maxConnections");

  public static VenueConfig defaults() {
    return from(new JsonObject(), new ConfigProblems());
  }

  /** Parses the {@code venue} section (null or empty = defaults), adding each problem to {@code problems}. */
  public static VenueConfig from(JsonObject section, ConfigProblems problems) {
    JsonObject v = section == null ? new JsonObject() : section;
    refuseUnknown(v, P, KEYS, problems);
    String modeKey = problems.oneOf(v, P, "mode", "in-process", Set.of("in-process", "remote"));
    Mode mode = modeKey.equals("remote") ? Mode.REMOTE : Mode.IN_PROCESS;
    String url = problems.stringIn(v, P, "url", "").trim();
    if (mode == Mode.REMOTE && url.isEmpty()) {
      problems.add(P + "url", "required when venue.mode is remote (e.g. http://127.0.0.1:8090)");
    } else if (!url.isEmpty() && !validHttpUrl(url)) {
      problems.add(P + "url", "must be an http URL with host and port, e.g. http://127.0.0.1:8090, got '" + url + "'");
    }
    String host = problems.stringIn(v, P, "host", "127.0.0.1").trim();
    if (host.isEmpty()) problems.add(P + "host", "must not be empty");
    int port = problems.intIn(v, P, "port", 8090, 0, 65_535);

    BigDecimal slippage = decimalIn(v, P, "slippageBps", BigDecimal.ZERO, new BigDecimal("10000"), problems);
    BigDecimal fee = decimalIn(v, P, "feeBps", BigDecimal.ZERO, new BigDecimal("10000"), problems);
    long latency = problems.longIn(v, P, "latencyMs", 0, 0, 60_000);
    BigDecimal fraction = decimalIn(v, P, "maxFillFraction", BigDecimal.ONE, BigDecimal.ONE, problems);
    if (fraction.signum() == 0) {
      problems.add(P + "maxFillFraction", "must be greater than 0 (1 = fill in full)");
      fraction = BigDecimal.ONE;
    }
    BigDecimal maxQty = decimalIn(v, P, "maxFillQuantity", BigDecimal.ZERO, null, problems);
    String currency = problems.stringIn(v, P, "defaultCurrency", "USD").trim();
    if (!currency.matches("[A-Z0-9]{2,12}")) {
      problems.add(P + "defaultCurrency", "must be 2-12 upper-case letters or digits, got '" + currency + "'");
      currency = "USD";
    }

    JsonObject f = problems.section(v, P, "faults");
    String fp = P + "faults.";
    refuseUnknown(f, fp, FAULT_KEYS, problems);
    Faults faults = new Faults(probability(f, fp, "rejectProbability", problems),
        probability(f, fp, "quotaProbability", problems),
        problems.longIn(f, fp, "ackDelayMs", 0, 0, 600_000),
        probability(f, fp, "dropAckProbability", problems),
        probability(f, fp, "timeoutProbability", problems),
        probability(f, fp, "dropStreamProbability", problems),
        problems.longIn(f, fp, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE));

    JsonObject c = problems.section(v, P, "client");
    String cp = P + "client.";
    refuseUnknown(c, cp, CLIENT_KEYS, problems);
    long reconnectInitial = problems.longIn(c, cp, "reconnectInitialMs", 100, 10, 60_000);
    long reconnectMax = problems.longIn(c, cp, "reconnectMaxMs", 5_000, 10, 600_000);
    if (reconnectMax < reconnectInitial) {
      problems.add(cp + "reconnectMaxMs", "must be at least venue.client.reconnectInitialMs (" + reconnectInitial + ")");
      reconnectMax = reconnectInitial;
    }
    Client client = new Client(problems.longIn(c, cp, "requestTimeoutMs", 5_000, 50, 600_000),
        problems.longIn(c, cp, "connectTimeoutMs", 2_000, 50, 600_000), reconnectInitial, reconnectMax,
        problems.intIn(c, cp, "maxConnections", 64, 1, 4096));

    return new VenueConfig(mode, url, host, port,
        new Matching(slippage, fee, latency, fraction, maxQty, currency), faults, client);
  }

  /** A copy listening on another port (0 = any free loopback port). */
  public VenueConfig withPort(int newPort) {
    return new VenueConfig(mode, url, host, newPort, matching, faults, client);
  }

  public VenueConfig withFaults(Faults newFaults) {
    return new VenueConfig(mode, url, host, port, matching, newFaults, client);
  }

  public VenueConfig withMatching(Matching newMatching) {
    return new VenueConfig(mode, url, host, port, newMatching, faults, client);
  }

  public VenueConfig withClient(Client newClient) {
    return new VenueConfig(mode, url, host, port, matching, faults, newClient);
  }

  private static boolean validHttpUrl(String url) {
    try {
      URI uri = URI.create(url);
      return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void refuseUnknown(JsonObject section, String prefix, Set<String> known, ConfigProblems problems) {
    for (String key : new TreeSet<>(section.fieldNames())) {
      if (!known.contains(key)) problems.add(prefix + key, "unknown key (known: " + new TreeSet<>(known) + ")");
    }
  }

  /** A non-negative decimal given as a string or a number; {@code max} null = unbounded. */
  private static BigDecimal decimalIn(JsonObject section, String prefix, String key, BigDecimal def, BigDecimal max,
      ConfigProblems problems) {
    Object raw = section.getValue(key);
    if (raw == null) return def;
    BigDecimal value;
    try {
      value = raw instanceof Number || raw instanceof String ? new BigDecimal(raw.toString().trim()) : null;
    } catch (NumberFormatException e) {
      value = null;
    }
    if (value == null) {
      problems.add(prefix + key, "must be a decimal number, got '" + raw + "'");
      return def;
    }
    if (value.signum() < 0 || (max != null && value.compareTo(max) > 0)) {
      problems.add(prefix + key, "must be between 0 and " + (max == null ? "any" : max.toPlainString()) + ", got "
          + value.toPlainString());
      return def;
    }
    return value;
  }

  private static double probability(JsonObject section, String prefix, String key, ConfigProblems problems) {
    return decimalIn(section, prefix, key, BigDecimal.ZERO, BigDecimal.ONE, problems).doubleValue();
  }

  /** The quote currency a fill of {@code symbol} moves. */
  String currencyOf(String symbol) {
    int dash = symbol.lastIndexOf('-');
    String suffix = dash >= 0 && dash < symbol.length() - 1 ? symbol.substring(dash + 1) : "";
    return suffix.isEmpty() ? matching.defaultCurrency() : suffix.toUpperCase(Locale.ROOT);
  }
}

package io.bourse.market;

import io.bourse.market.Rejection.Reason;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns an untrusted decoded message (field map) into a {@link Tick}, or says precisely why not. Wire fields:
 * {@code symbol, sequence, price, size, bid?, ask?, timestamp} — decimals as strings (or JSON numbers), timestamp as
 * ISO-8601 or epoch millis. Never throws for bad input: a poison message must not stop the pipeline.
 */
public final class TickValidator {
  /** Nothing legitimately traded on our venues before this; catches seconds-vs-millis mix-ups. */
  private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  private final InstrumentCatalogue catalogue;
  private final long maxFutureSkewMs;
  private final long maxAgeMs;
  private final Supplier<Instant> clock;
  private final TickJsonReader.Symbols symbols;

  /**
   * @param maxFutureSkewMs how far ahead of our clock an exchange timestamp may be
   * @param maxAgeMs        how old a tick may be; &le; 0 disables the check (historical replay)
   */
  public TickValidator(InstrumentCatalogue catalogue, long maxFutureSkewMs, long maxAgeMs, Supplier<Instant> clock) {
    this.catalogue = catalogue;
    this.maxFutureSkewMs = maxFutureSkewMs;
    this.maxAgeMs = maxAgeMs;
    this.clock = clock;
    java.util.List<String> symbols = new java.util.ArrayList<>();
    for (Instrument i : catalogue.all()) symbols.add(i.symbol());
    this.symbols = new TickJsonReader.Symbols(symbols);
  }

  TickJsonReader.Symbols symbols() { return symbols; }

  /** Exactly one of {@code tick} and {@code rejection} is non-null. */
  public record Result(Tick tick, Rejection rejection) {
    static Result reject(Reason reason, String detail) { return new Result(null, new Rejection(reason, detail)); }

    public boolean ok() { return tick != null; }
  }

  public Result validate(Map<String, Object> m, long receivedNanos) {
    if (m == null) return Result.reject(Reason.SCHEMA, "message is not a JSON object");
    return validate(m.get("symbol"), m.get("sequence"), m.get("price"), m.get("size"), m.get("bid"), m.get("ask"),
        m.get("timestamp"), receivedNanos);
  }

  /**
   * The same checks on a raw JSON message (UTF-8), read with a streaming parser straight into the fields: no map, no
   * intermediate strings for decimals, ISO-8601 timestamps of the usual shape parsed without a formatter. Anything
   * the fast reader does not handle (nested values in known fields, malformed input, exotic timestamps) is decided by
   * the map path above, so both paths accept and reject exactly the same messages.
   */
  public Result validateJson(byte[] json, long receivedNanos) {
    if (json == null) return Result.reject(Reason.SCHEMA, "message is not a JSON object");
    Result fast = TickJsonReader.read(this, json, receivedNanos);
    if (fast != null) return fast;
    Map<String, Object> fields;
    try {
      fields = new io.vertx.core.json.JsonObject(new String(json, java.nio.charset.StandardCharsets.UTF_8)).getMap();
    } catch (RuntimeException notAnObject) {
      return Result.reject(Reason.SCHEMA, "not a JSON object");
    }
    return validate(fields, receivedNanos);
  }

  Result validate(Object rawSymbol, Object rawSeq, Object rawPrice, Object rawSize, Object rawBid, Object rawAsk,
                  Object rawTimestamp, long receivedNanos) {
    if (!(rawSymbol instanceof String symbol) || symbol.isBlank()) {
      return Result.reject(Reason.SCHEMA, "symbol: required string");
    }
    if (!(rawSeq instanceof Integer || rawSeq instanceof Long) || ((Number) rawSeq).longValue() < 0) {
      return Result.reject(Reason.SCHEMA, "sequence: required non-negative integer");
    }
    if (rawPrice == null) return Result.reject(Reason.SCHEMA, "price: required");
    BigDecimal price = decimal(rawPrice);
    if (price == null) return nonDecimal("price", rawPrice);
    if (price.signum() <= 0) return Result.reject(Reason.NON_POSITIVE_PRICE, "price: must be > 0, got " + price.toPlainString());
    if (rawSize == null) return Result.reject(Reason.SCHEMA, "size: required");
    BigDecimal size = decimal(rawSize);
    if (size == null) return nonDecimal("size", rawSize);
    if (size.signum() < 0) return Result.reject(Reason.SCHEMA, "size: must be >= 0, got " + size.toPlainString());
    BigDecimal bid = null;
    if (rawBid != null) {
      bid = decimal(rawBid);
      if (bid == null) return nonDecimal("bid", rawBid);
      if (bid.signum() <= 0) return Result.reject(Reason.NON_POSITIVE_PRICE, "bid: must be > 0, got " + bid.toPlainString());
    }
    BigDecimal ask = null;
    if (rawAsk != null) {
      ask = decimal(rawAsk);
      if (ask == null) return nonDecimal("ask", rawAsk);
      if (ask.signum() <= 0) return Result.reject(Reason.NON_POSITIVE_PRICE, "ask: must be > 0, got " + ask.toPlainString());
    }
    Instant ts = timestamp(rawTimestamp);
    if (ts == null) return Result.reject(Reason.SCHEMA, "timestamp: required ISO-8601 string or epoch millis");
    if (!catalogue.contains(symbol)) return Result.reject(Reason.UNKNOWN_SYMBOL, "symbol: unknown '" + symbol + "'");
    Instant now = clock.get();
    if (ts.isAfter(now.plusMillis(maxFutureSkewMs))) {
      return Result.reject(Reason.TIMESTAMP_IN_FUTURE, "timestamp: " + ts + " is more than " + maxFutureSkewMs + " ms ahead");
    }
    if (ts.isBefore(EARLIEST) || (maxAgeMs > 0 && ts.isBefore(now.minusMillis(maxAgeMs)))) {
      return Result.reject(Reason.TIMESTAMP_TOO_OLD, "timestamp: " + ts + " is too old");
    }
    return new Result(new Tick(symbol, ((Number) rawSeq).longValue(), price, size, bid, ask, ts, receivedNanos), null);
  }

  private static Result nonDecimal(String field, Object raw) {
    String s = String.valueOf(raw).trim();
    boolean nonFinite = (raw instanceof Double d && !Double.isFinite(d)) || (raw instanceof Float f && !Float.isFinite(f))
        || s.equalsIgnoreCase("NaN") || s.matches("(?i)[+-]?inf(inity)?");
    return nonFinite
        ? Result.reject(Reason.NON_FINITE_PRICE, field + ": must be finite, got " + s)
        : Result.reject(Reason.SCHEMA, field + ": must be a decimal, got '" + s + "'");
  }

  /** Null when not an exact finite decimal. Strings are the canonical form (ARCHITECTURE §4). */
  static BigDecimal decimal(Object raw) {
    try {
      if (raw instanceof String s) return s.length() > 64 ? null : new BigDecimal(s.trim());
      if (raw instanceof Integer || raw instanceof Long) return BigDecimal.valueOf(((Number) raw).longValue());
      if (raw instanceof BigDecimal b) return b;
      if (raw instanceof Double d) return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
      if (raw instanceof Float f) return Float.isFinite(f) ? new BigDecimal(Float.toString(f)) : null;
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static Instant timestamp(Object raw) {
    if (raw instanceof Instant i) return i;
    if (raw instanceof Integer || raw instanceof Long) return Instant.ofEpochMilli(((Number) raw).longValue());
    if (raw instanceof String s) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }
}

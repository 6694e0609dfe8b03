package io.bourse.market;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The hot path of {@link TickValidator#validateJson}: a Jackson streaming read of one tick message from its UTF-8
 * bytes into the validator's fields. Decimal strings become {@link BigDecimal} straight from the parser's character
 * buffer and ISO-8601 timestamps of the shape {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} are parsed by hand, so a valid
 * tick costs one parser and its field values, nothing else. Returns null whenever it meets something it does not
 * handle itself — malformed JSON, a nested value in a known field, an unusual number — and the caller then decides with
 * the general (map) path, so both paths always agree. Stateless and thread-safe.
 */
final class TickJsonReader {
  private static final JsonFactory JSON = new JsonFactory();
  /** Longer decimal strings are refused by {@link TickValidator#decimal}; keep them as strings so it still does. */
  private static final int MAX_DECIMAL_CHARS = 64;

  private TickJsonReader() {}

  static TickValidator.Result read(TickValidator validator, byte[] json, long receivedNanos) {
    Object symbol = null, sequence = null, price = null, size = null, bid = null, ask = null, timestamp = null;
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "symbol" -> symbol = scalar(p, v, false);
          case "sequence" -> sequence = scalar(p, v, false);
          case "price" -> price = scalar(p, v, true);
          case "size" -> size = scalar(p, v, true);
          case "bid" -> bid = scalar(p, v, true);
          case "ask" -> ask = scalar(p, v, true);
          case "timestamp" -> timestamp = v == JsonToken.VALUE_STRING ? timestamp(p) : scalar(p, v, false);
          default -> {
            p.skipChildren();
            continue;
          }
        }
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) return null;
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) return null;
    } catch (Exception malformed) {
      return null;
    }
    return validator.validate(symbol, sequence, price, size, bid, ask, timestamp, receivedNanos);
  }

  /** The value as the map path would hold it, except decimal strings already parsed (when they parse). */
  private static Object scalar(JsonParser p, JsonToken v, boolean decimal) throws java.io.IOException {
    return switch (v) {
      case VALUE_STRING -> decimal ? decimalString(p) : p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> v; // START_OBJECT / START_ARRAY: the caller falls back
    };
  }

  private static Object decimalString(JsonParser p) throws java.io.IOException {
    char[] buf = p.getTextCharacters();
    int from = p.getTextOffset();
    int to = from + p.getTextLength();
    // String.trim semantics.
    while (from < to && buf[from] <= ' ') from++;
    while (to > from && buf[to - 1] <= ' ') to--;
    if (p.getTextLength() > MAX_DECIMAL_CHARS || from == to) return p.getText();
    try {
      return new BigDecimal(buf, from, to - from);
    } catch (NumberFormatException e) {
      return p.getText(); // the validator names the field and tells NaN/Infinity from garbage
    }
  }

  private static Object timestamp(JsonParser p) throws java.io.IOException {
    Instant fast = isoInstant(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    return fast != null ? fast : p.getText();
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, or null for anything else (left to {@link Instant#parse}). */
  static Instant isoInstant(char[] c, int o, int n) {
    if (n < 20 || n > 30 || c[o + 4] != '-' || c[o + 7] != '-' || c[o + 10] != 'T' || c[o + 13] != ':'
        || c[o + 16] != ':' || c[o + n - 1] != 'Z') {
      return null;
    }
    int year = digits(c, o, 4);
    int month = digits(c, o + 5, 2);
    int day = digits(c, o + 8, 2);
    int hour = digits(c, o + 11, 2);
    int minute = digits(c, o + 14, 2);
    int second = digits(c, o + 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) return null;
    int nanos = 0;
    int fracEnd = o + n - 1;
    int i = o + 19;
    if (i < fracEnd) {
      if (c[i] != '.' || fracEnd - i - 1 < 1 || fracEnd - i - 1 > 9) return null;
      int scale = 100_000_000;
      for (i++; i < fracEnd; i++, scale /= 10) {
        int d = c[i] - '0';
        if (d < 0 || d > 9) return null;
        nanos += d * scale;
      }
    }
    if (month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** Non-negative value of {@code len} ASCII digits, -1 if any is not a digit. */
  private static int digits(char[] c, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }
}

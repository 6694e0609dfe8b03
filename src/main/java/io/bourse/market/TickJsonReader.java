package io.bourse.market;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The hot path of {@link TickValidator#validateJson}: a single pass over one tick message's UTF-8 bytes, straight
 * into the validator's fields. It understands exactly the flat shape producers send — an object of ASCII strings
 * without escapes, JSON numbers, booleans and nulls — and turns plain decimal strings into {@link BigDecimal} from an
 * unscaled long (exact), and ISO-8601 instants of the shape {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} into
 * {@link Instant} by hand, so a valid tick costs its field values and nothing else. For anything else — malformed
 * JSON, nested values, escapes, non-ASCII text in a known field, unusual numbers — it returns null and the caller
 * decides with the general (map) path, so both paths always accept and reject the same messages (TickJsonReaderTest).
 * Stateless and thread-safe.
 */
final class TickJsonReader {
  /** Longer decimal strings are refused by {@link TickValidator#decimal}; keep them as strings so it still does. */
  private static final int MAX_DECIMAL_CHARS = 64;
  private static final Object FALLBACK = new Object();

  private TickJsonReader() {}

  /** Field ids, matched on the raw key bytes. */
  private static final byte[][] NAMES = {bytes("symbol"), bytes("sequence"), bytes("price"), bytes("size"),
      bytes("bid"), bytes("ask"), bytes("timestamp")};

  private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

  /**
   * The catalogue's symbols, found from the message bytes without building a String: a known symbol comes back as the
   * catalogue's own instance (hash cached, identity-equal in every map lookup downstream). Immutable.
   */
  static final class Symbols {
    private final byte[][] keys;
    private final String[] values;
    private final int mask;

    Symbols(Iterable<String> symbols) {
      int n = 0;
      for (String ignored : symbols) n++;
      int size = Integer.highestOneBit(Math.max(4, n * 4) - 1) << 1;
      keys = new byte[size][];
      values = new String[size];
      mask = size - 1;
      for (String s : symbols) {
        byte[] k = s.getBytes(StandardCharsets.ISO_8859_1);
        if (!new String(k, StandardCharsets.ISO_8859_1).equals(s)) continue; // not Latin-1: looked up as a String
        int i = hash(k, 0, k.length) & mask;
        while (keys[i] != null) i = (i + 1) & mask;
        keys[i] = k;
        values[i] = s;
      }
    }

    /** The catalogue's String for these ASCII bytes, or a new String if the symbol is not in the catalogue. */
    String of(byte[] b, int from, int to) {
      int i = hash(b, from, to) & mask;
      for (byte[] k; (k = keys[i]) != null; i = (i + 1) & mask) {
        if (k.length == to - from && java.util.Arrays.equals(k, 0, k.length, b, from, to)) return values[i];
      }
      return ascii(b, from, to);
    }

    private static int hash(byte[] b, int from, int to) {
      int h = 0;
      for (int i = from; i < to; i++) h = 31 * h + b[i];
      return h ^ (h >>> 16);
    }
  }

  static TickValidator.Result read(TickValidator validator, byte[] b, long receivedNanos) {
    Object[] f = new Object[NAMES.length];
    int n = b.length;
    int i = ws(b, 0);
    if (i >= n || b[i] != '{') return null;
    i = ws(b, i + 1);
    if (i < n && b[i] == '}') {
      i++;
    } else {
      while (true) {
        if (i >= n || b[i] != '"') return null;
        int keyStart = i + 1;
        int keyEnd = keyStart;
        while (keyEnd < n && b[keyEnd] != '"') {
          if (b[keyEnd] == '\\' || b[keyEnd] < 0x20) return null; // escapes, control or non-ASCII bytes: fall back
          keyEnd++;
        }
        if (keyEnd >= n) return null;
        int field = field(b, keyStart, keyEnd);
        i = ws(b, keyEnd + 1);
        if (i >= n || b[i] != ':') return null;
        i = ws(b, i + 1);
        if (i >= n) return null;
        int end = valueEnd(b, i);
        if (end < 0) return null;
        if (field >= 0) {
          Object v = value(b, i, end, field, validator.symbols());
          if (v == FALLBACK) return null;
          f[field] = v;
        }
        i = ws(b, end);
        if (i >= n) return null;
        if (b[i] == '}') {
          i++;
          break;
        }
        if (b[i] != ',') return null;
        i = ws(b, i + 1);
      }
    }
    if (ws(b, i) != n) return null; // trailing content: the map path rejects it
    return validator.validate(f[0], f[1], f[2], f[3], f[4], f[5], f[6], receivedNanos);
  }

  private static int ws(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
    return i;
  }

  private static int field(byte[] b, int from, int to) {
    int k = switch (to - from) {
      case 6 -> 0;
      case 8 -> 1;
      case 5 -> 2;
      case 4 -> 3;
      case 3 -> b[from] == 'b' ? 4 : 5;
      case 9 -> 6;
      default -> -1;
    };
    if (k < 0) return -1;
    byte[] name = NAMES[k];
    for (int j = 0; j < name.length; j++) if (name[j] != b[from + j]) return -1;
    return k;
  }

  /**
   * End (exclusive) of the scalar value starting at {@code i}, or -1 for anything this reader leaves to the map path.
   * Strings may not contain escapes, control characters or (in known fields, checked later) non-ASCII bytes.
   */
  private static int valueEnd(byte[] b, int i) {
    byte c = b[i];
    if (c == '"') {
      for (int j = i + 1; j < b.length; j++) {
        byte x = b[j];
        if (x == '"') return j + 1;
        if (x == '\\' || (x >= 0 && x < 0x20)) return -1;
      }
      return -1;
    }
    if (c == 't') return literal(b, i, "true");
    if (c == 'f') return literal(b, i, "false");
    if (c == 'n') return literal(b, i, "null");
    if (c == '-' || (c >= '0' && c <= '9')) {
      // JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
      int j = i;
      if (b[j] == '-') j++;
      if (j >= b.length || b[j] < '0' || b[j] > '9') return -1;
      if (b[j] == '0') {
        j++;
      } else {
        while (j < b.length && b[j] >= '0' && b[j] <= '9') j++;
      }
      if (j < b.length && b[j] == '.') {
        int d = ++j;
        while (j < b.length && b[j] >= '0' && b[j] <= '9') j++;
        if (j == d) return -1;
      }
      if (j < b.length && (b[j] == 'e' || b[j] == 'E')) {
        j++;
        if (j < b.length && (b[j] == '+' || b[j] == '-')) j++;
        int d = j;
        while (j < b.length && b[j] >= '0' && b[j] <= '9') j++;
        if (j == d) return -1;
      }
      return j;
    }
    return -1; // objects, arrays, garbage
  }

  private static int literal(byte[] b, int i, String word) {
    if (i + word.length() > b.length) return -1;
    for (int k = 0; k < word.length(); k++) if (b[i + k] != word.charAt(k)) return -1;
    return i + word.length();
  }

  /** The value as the map path would hold it, except decimal strings and instants already parsed. */
  private static Object value(byte[] b, int from, int to, int field, Symbols symbols) {
    byte c = b[from];
    if (c == '"') {
      int s = from + 1;
      int e = to - 1;
      for (int j = s; j < e; j++) if (b[j] < 0) return FALLBACK; // non-ASCII: let the UTF-8 decoder handle it
      return switch (field) {
        case 2, 3, 4, 5 -> decimal(b, s, e);
        case 6 -> {
          Instant t = io.bourse.common.IsoInstants.parseAscii(b, s, e - s);
          yield t != null ? t : ascii(b, s, e);
        }
        case 0 -> symbols.of(b, s, e);
        default -> ascii(b, s, e);
      };
    }
    if (c == 't') return Boolean.TRUE;
    if (c == 'f') return Boolean.FALSE;
    if (c == 'n') return null;
    return number(b, from, to);
  }

  private static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }

  /** Integer / Long for integral numbers (as Jackson reports them), Double otherwise; FALLBACK beyond a long. */
  private static Object number(byte[] b, int from, int to) {
    boolean integral = true;
    for (int j = from; j < to; j++) {
      if (b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
        integral = false;
        break;
      }
    }
    if (!integral) return Double.parseDouble(ascii(b, from, to));
    boolean negative = b[from] == '-';
    int digitsFrom = negative ? from + 1 : from;
    if (to - digitsFrom > 18) return FALLBACK;
    long v = 0;
    for (int j = digitsFrom; j < to; j++) v = v * 10 + (b[j] - '0');
    if (negative) v = -v;
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return (int) v;
    return v;
  }

  /**
   * A decimal string: {@code [+-]?\d{1,18}(\.\d+)?} with at most 18 digits in all becomes an exact BigDecimal from an
   * unscaled long (same value and scale as {@code new BigDecimal(String)}); anything else is handed over as the
   * string for {@link TickValidator#decimal} to judge.
   */
  private static Object decimal(byte[] b, int from, int to) {
    int j = from;
    boolean negative = false;
    if (j < to && (b[j] == '+' || b[j] == '-')) negative = b[j++] == '-';
    long unscaled = 0;
    int digits = 0;
    int scale = 0;
    int intDigits = 0;
    while (j < to && b[j] >= '0' && b[j] <= '9') {
      unscaled = unscaled * 10 + (b[j++] - '0');
      digits++;
      intDigits++;
    }
    if (j < to && b[j] == '.') {
      j++;
      while (j < to && b[j] >= '0' && b[j] <= '9') {
        unscaled = unscaled * 10 + (b[j++] - '0');
        digits++;
        scale++;
      }
      if (scale == 0) j = -1;
    }
    if (j != to || intDigits == 0 || digits > 18) {
      String s = ascii(b, from, to);
      if (to - from > MAX_DECIMAL_CHARS) return s;
      BigDecimal general = TickValidator.decimal(s);
      return general != null ? general : s;
    }
    return BigDecimal.valueOf(negative ? -unscaled : unscaled, scale);
  }
}

package io.bourse.common;

import java.time.Instant;

/**
 * ISO-8601 UTC instants ({@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}), the one text form of time in Bourse's JSON, written
 * and read by hand. {@link Instant#toString} and {@link Instant#parse} go through {@code DateTimeFormatter}, which
 * builds a parse context, a field map and a {@code StringBuilder} per call: an order writes and reads a dozen
 * timestamps between the shard, the store and the venue, and the two were about 5% of all CPU in the order-entry
 * profile (docs/BENCHMARKS.md). Output is exactly {@link Instant#toString}'s (fraction in groups of three digits,
 * none when zero); input the library's shape with a four-digit year. Anything else — another year range, an offset,
 * malformed text — goes to the JDK, so behaviour and errors stay the library's.
 */
public final class IsoInstants {
  private IsoInstants() {}

  private static final long SECONDS_PER_DAY = 86_400;
  /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the four-digit years the fast paths handle. */
  private static final long MIN_FAST_SECOND = -62_167_219_200L;
  private static final long MAX_FAST_SECOND = 253_402_300_800L;

  /** Exactly {@code at.toString()}; null for null. */
  public static String format(Instant at) {
    if (at == null) return null;
    long seconds = at.getEpochSecond();
    if (seconds < MIN_FAST_SECOND || seconds >= MAX_FAST_SECOND) return at.toString();
    int nanos = at.getNano();
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) (seconds - day * SECONDS_PER_DAY);
    // Civil date from days since the epoch (H. Hinnant's algorithm, the inverse of epochDay).
    long z = day + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
    byte[] out = new byte[fraction == 0 ? 20 : 21 + fraction];
    put(out, 0, year, 4);
    out[4] = '-';
    put(out, 5, month, 2);
    out[7] = '-';
    put(out, 8, dayOfMonth, 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3_600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    if (fraction > 0) {
      out[19] = '.';
      put(out, 20, fraction == 3 ? nanos / 1_000_000 : fraction == 6 ? nanos / 1_000 : nanos, fraction);
    }
    out[out.length - 1] = 'Z';
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** As {@link Instant#parse}; null for null. */
  public static Instant parse(String text) {
    if (text == null) return null;
    Instant fast = parseAscii(text, 0, text.length());
    return fast != null ? fast : Instant.parse(text);
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} at {@code c[o..o+n)}, or null for anything else. */
  public static Instant parseAscii(byte[] c, int o, int n) {
    return parse(i -> c[o + i], n);
  }

  private static Instant parseAscii(String s, int o, int n) {
    return parse(i -> s.charAt(o + i), n);
  }

  private interface Chars {
    int at(int index);
  }

  private static Instant parse(Chars c, int n) {
    if (n < 20 || n > 30 || c.at(4) != '-' || c.at(7) != '-' || c.at(10) != 'T' || c.at(13) != ':'
        || c.at(16) != ':' || c.at(n - 1) != 'Z') {
      return null;
    }
    int year = digits(c, 0, 4);
    int month = digits(c, 5, 2);
    int day = digits(c, 8, 2);
    int hour = digits(c, 11, 2);
    int minute = digits(c, 14, 2);
    int second = digits(c, 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) return null;
    int nanos = 0;
    int fracEnd = n - 1;
    int i = 19;
    if (i < fracEnd) {
      if (c.at(i) != '.' || fracEnd - i - 1 < 1 || fracEnd - i - 1 > 9) return null;
      int scale = 100_000_000;
      for (i++; i < fracEnd; i++, scale /= 10) {
        int d = c.at(i) - '0';
        if (d < 0 || d > 9) return null;
        nanos += d * scale;
      }
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    return Instant.ofEpochSecond(epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second,
        nanos);
  }

  private static int daysInMonth(int year, int month) {
    if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (as {@code LocalDate.toEpochDay}), without allocating. */
  public static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  /** Non-negative value of {@code len} ASCII digits, -1 if any is not a digit. */
  private static int digits(Chars c, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      int d = c.at(i) - '0';
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  private static void put(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}

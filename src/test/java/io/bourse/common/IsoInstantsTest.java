package io.bourse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  private static final long YEAR_0 = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
  private static final long YEAR_10000 = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;

  @Test
  void formatsExactlyAsInstantToString() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(YEAR_0, YEAR_10000), nanos(random));
      assertThat(IsoInstants.format(t)).isEqualTo(t.toString());
    }
    for (Instant edge : List.of(Instant.EPOCH, Instant.ofEpochSecond(YEAR_0), Instant.ofEpochSecond(YEAR_10000 - 1, 999_999_999),
        Instant.ofEpochSecond(YEAR_0 - 1), Instant.ofEpochSecond(YEAR_10000), Instant.MIN, Instant.MAX,
        Instant.parse("2024-02-29T23:59:59.000001Z"), Instant.parse("1969-12-31T23:59:59.999Z"))) {
      assertThat(IsoInstants.format(edge)).as(edge.toString()).isEqualTo(edge.toString());
    }
    assertThat(IsoInstants.format(null)).isNull();
  }

  @Test
  void parsesWhatItFormatsAndWhatInstantParseReads() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(YEAR_0, YEAR_10000), nanos(random));
      assertThat(IsoInstants.parse(IsoInstants.format(t))).isEqualTo(t);
      int digits = random.nextInt(10);
      String s = withFraction(t, digits);
      assertThat(IsoInstants.parse(s)).as(s).isEqualTo(Instant.parse(s));
      byte[] c = ("xx" + s + "yy").getBytes(StandardCharsets.US_ASCII);
      assertThat(IsoInstants.parseAscii(c, 2, s.length())).as(s).isEqualTo(Instant.parse(s));
    }
  }

  @Test
  void leavesOtherShapesToTheJdkWithItsErrors() {
    // Offsets, six-digit years: not the fast path, still read as the JDK reads them.
    for (String other : List.of("2026-12-07T16:04:10+01:00", "+12026-12-07T16:04:10Z", "2024-02-29T00:00:00.5Z")) {
      assertThat(IsoInstants.parse(other)).as(other).isEqualTo(Instant.parse(other));
    }
    for (String bad : List.of("2026-11-23T09:59:60Z", "2026-13-01T00:00:00Z", "2026-11-23 09:59:59Z",
        "2026-11-23T09:59:59.1234567890Z", "2023-02-29T00:00:00Z", "2026-1x-01T00:00:00Z", "")) {
      assertThat(IsoInstants.parseAscii(bad.getBytes(StandardCharsets.US_ASCII), 0, bad.length())).as(bad).isNull();
      assertThatThrownBy(() -> IsoInstants.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
    }
    assertThat(IsoInstants.parse(null)).isNull();
  }

  @Test
  void epochDaysEqualLocalDate() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 50_000; i++) {
      LocalDate d = LocalDate.ofEpochDay(random.nextLong(LocalDate.of(0, 1, 1).toEpochDay(),
          LocalDate.of(9999, 12, 31).toEpochDay() + 1));
      assertThat(IsoInstants.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth())).as(d.toString())
          .isEqualTo(d.toEpochDay());
    }
  }

  /** Nanoseconds of every granularity Instant.toString distinguishes: none, milli, micro, nano. */
  private static int nanos(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1_000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      default -> random.nextInt(1_000_000_000);
    };
  }

  private static String withFraction(Instant t, int fractionDigits) {
    String base = t.toString().substring(0, 19);
    if (fractionDigits == 0) return base + "Z";
    String nanos = String.format("%09d", t.getNano());
    return base + "." + nanos.substring(0, fractionDigits) + "Z";
  }
}

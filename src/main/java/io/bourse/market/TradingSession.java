package io.bourse.market;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When an instrument trades: around the clock, or weekly exchange hours in the exchange's own time zone (so DST moves
 * the UTC open with the exchange, not with us), minus holidays. Hours are [open, close) on one local day.
 */
public record TradingSession(boolean alwaysOpen, ZoneId zone, LocalTime open, LocalTime close, Set<DayOfWeek> days,
                             Set<LocalDate> holidays) {

  /** A year and a bit of calendar is more than any run of consecutive non-trading days. */
  private static final int MAX_DAYS_AHEAD = 400;

  public static final TradingSession ALWAYS = new TradingSession(true, null, null, null, Set.of(), Set.of());

  public TradingSession {
    if (!alwaysOpen) {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(open, "open");
      Objects.requireNonNull(close, "close");
      if (!open.isBefore(close)) throw new IllegalArgumentException("open must be before close");
      if (days == null || days.isEmpty()) throw new IllegalArgumentException("at least one trading day is required");
    }
    days = days == null || days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
    holidays = holidays == null ? Set.of() : Set.copyOf(holidays);
  }

  public static TradingSession exchange(ZoneId zone, LocalTime open, LocalTime close, Set<DayOfWeek> days,
                                        Set<LocalDate> holidays) {
    return new TradingSession(false, zone, open, close, days, holidays);
  }

  public boolean isTradingDay(LocalDate date) {
    return alwaysOpen || (days.contains(date.getDayOfWeek()) && !holidays.contains(date));
  }

  public boolean isOpen(Instant t) {
    if (alwaysOpen) return true;
    ZonedDateTime local = t.atZone(zone);
    if (!isTradingDay(local.toLocalDate())) return false;
    LocalTime time = local.toLocalTime();
    return !time.isBefore(open) && time.isBefore(close);
  }

  /** {@code t} itself when the market is open at {@code t}, otherwise the next opening instant. */
  public Instant nextOpen(Instant t) {
    if (isOpen(t)) return t;
    LocalDate date = t.atZone(zone).toLocalDate();
    for (int i = 0; i < MAX_DAYS_AHEAD; i++, date = date.plusDays(1)) {
      if (!isTradingDay(date)) continue;
      Instant candidate = ZonedDateTime.of(date, open, zone).toInstant();
      if (candidate.isAfter(t)) return candidate;
    }
    throw new IllegalStateException("no trading day within " + MAX_DAYS_AHEAD + " days after " + t);
  }

  /** The close of the session open at {@code t}, or of the next session; empty for 24/7 markets. */
  public Optional<Instant> nextClose(Instant t) {
    if (alwaysOpen) return Optional.empty();
    Instant opening = nextOpen(t);
    LocalDate day = opening.atZone(zone).toLocalDate();
    return Optional.of(ZonedDateTime.of(day, close, zone).toInstant());
  }
}

package io.bourse.trading.domain;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Double-entry capital ledger of one trading account. Every movement is a posting: a set of entries over the
 * {@link Book}s of one currency whose amounts sum to zero, checked before anything is recorded. Hence the
 * ledger sums to zero per account and currency by construction, and {@link #sum(String)} lets tests and
 * reconciliation check it.
 *
 * <p>Reservations are tracked per order, so a release returns exactly what the order still holds and no order can
 * release another's money. RESERVED never goes negative. AVAILABLE goes negative in one case only: a venue fill that
 * costs more than its order still has reserved (a market order slipping past its buffer, or fees above the
 * estimate) — the venue's truth is booked, and the capital rule then refuses new orders until it is covered.
 *
 * <p>Not thread-safe: owned by the account's single writer.
 */
public final class Ledger {
  private final String accountId;
  private final List<LedgerEntry> entries = new ArrayList<>();
  private final Map<String, Map<Book, BigDecimal>> balances = new HashMap<>();
  private final Map<String, BigDecimal> reservedByOrder = new HashMap<>();
  private long nextPosting = 1;

  public Ledger(String accountId) { this.accountId = accountId; }

  /**
   * A ledger continued from a persisted snapshot: book balances, what each open order still holds, and the next
   * posting number (so posting ids stay unique). Entries already persisted are not reloaded; {@link #entries()} then
   * holds only what was booked since.
   */
  public static Ledger restore(String accountId, Map<String, Map<Book, BigDecimal>> balances,
      Map<String, BigDecimal> reservedByOrder, long nextPosting) {
    Ledger ledger = new Ledger(accountId);
    balances.forEach((currency, books) -> ledger.balances.put(currency, new EnumMap<>(books)));
    ledger.reservedByOrder.putAll(reservedByOrder);
    ledger.nextPosting = nextPosting;
    return ledger;
  }

  /** Balances per currency and book, a copy for snapshots. */
  public Map<String, Map<Book, BigDecimal>> balances() {
    Map<String, Map<Book, BigDecimal>> copy = new HashMap<>();
    balances.forEach((currency, books) -> copy.put(currency, new EnumMap<>(books)));
    return copy;
  }

  public long nextPosting() { return nextPosting; }

  /**
   * Forgets the oldest {@code count} entries once they are persisted, so a long-running account does not keep its
   * whole history in memory; balances are unaffected.
   */
  public void forgetEntries(int count) {
    entries.subList(0, Math.min(count, entries.size())).clear();
  }

  public BigDecimal balance(String currency, Book book) {
    Map<Book, BigDecimal> books = balances.get(currency);
    return books == null ? BigDecimal.ZERO : books.getOrDefault(book, BigDecimal.ZERO);
  }

  public BigDecimal available(String currency) { return balance(currency, Book.AVAILABLE); }

  public BigDecimal reserved(String currency) { return balance(currency, Book.RESERVED); }

  /** What an order still holds in RESERVED. */
  public BigDecimal reservedFor(String orderId) { return reservedByOrder.getOrDefault(orderId, BigDecimal.ZERO); }

  /** Sum of all books in a currency; zero unless the ledger is corrupt. */
  public BigDecimal sum(String currency) {
    Map<Book, BigDecimal> books = balances.get(currency);
    return books == null ? BigDecimal.ZERO : books.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  public List<String> currencies() { return List.copyOf(balances.keySet()); }

  public List<LedgerEntry> entries() { return Collections.unmodifiableList(entries); }

  public void deposit(String currency, BigDecimal amount, Instant at) {
    Decimals.requirePositive(amount, "amount");
    post(EntryKind.DEPOSIT, currency, null, at, leg(Book.EXTERNAL, amount.negate()), leg(Book.AVAILABLE, amount));
  }

  public void withdraw(String currency, BigDecimal amount, Instant at) {
    Decimals.requirePositive(amount, "amount");
    if (available(currency).compareTo(amount) < 0) {
      throw new BourseException(ErrorCode.ORD_INSUFFICIENT_CAPITAL,
          "Withdrawal of " + amount + " " + currency + " exceeds available " + available(currency));
    }
    post(EntryKind.WITHDRAWAL, currency, null, at, leg(Book.AVAILABLE, amount.negate()), leg(Book.EXTERNAL, amount));
  }

  /** Holds capital for a working order; fails with ERR_ORD_003 naming the shortfall if AVAILABLE cannot cover it. */
  public void reserve(String orderId, String currency, BigDecimal amount, Instant at) {
    if (amount.signum() == 0) return;
    Decimals.requirePositive(amount, "amount");
    BigDecimal available = available(currency);
    if (available.compareTo(amount) < 0) {
      throw new BourseException(ErrorCode.ORD_INSUFFICIENT_CAPITAL,
          "Order needs " + amount + " " + currency + " reserved but only " + available + " is available");
    }
    post(EntryKind.RESERVE, currency, orderId, at, leg(Book.AVAILABLE, amount.negate()), leg(Book.RESERVED, amount));
    reservedByOrder.merge(orderId, amount, BigDecimal::add);
  }

  /** Returns whatever the order still holds to AVAILABLE (cancel, reject, expiry, or the remainder after its last fill). */
  public void releaseAll(String orderId, String currency, Instant at) {
    BigDecimal held = reservedByOrder.remove(orderId);
    if (held == null || held.signum() == 0) return;
    post(EntryKind.RELEASE, currency, orderId, at, leg(Book.RESERVED, held.negate()), leg(Book.AVAILABLE, held));
  }

  /** Books a buy fill: the cost goes to VENUE, taken from the order's reservation first, then from AVAILABLE. */
  public void buyFill(String orderId, String currency, BigDecimal cost, Instant at) {
    payOut(EntryKind.FILL, Book.VENUE, orderId, currency, cost, at);
  }

  /** Books a sell fill: the proceeds come from VENUE into AVAILABLE. */
  public void sellFill(String orderId, String currency, BigDecimal proceeds, Instant at) {
    post(EntryKind.FILL, currency, orderId, at, leg(Book.VENUE, proceeds.negate()), leg(Book.AVAILABLE, proceeds));
  }

  public void fee(String orderId, String currency, BigDecimal fee, Instant at) {
    if (fee.signum() == 0) return;
    payOut(EntryKind.FEE, Book.FEES, orderId, currency, fee, at);
  }

  private void payOut(EntryKind kind, Book to, String orderId, String currency, BigDecimal amount, Instant at) {
    BigDecimal held = reservedFor(orderId);
    BigDecimal fromReserved = held.min(amount);
    BigDecimal fromAvailable = amount.subtract(fromReserved);
    if (fromReserved.signum() > 0) reservedByOrder.put(orderId, held.subtract(fromReserved));
    List<Leg> legs = new ArrayList<>(3);
    if (fromReserved.signum() > 0) legs.add(leg(Book.RESERVED, fromReserved.negate()));
    if (fromAvailable.signum() > 0) legs.add(leg(Book.AVAILABLE, fromAvailable.negate()));
    legs.add(leg(to, amount));
    post(kind, currency, orderId, at, legs.toArray(Leg[]::new));
  }

  private record Leg(Book book, BigDecimal amount) {}

  private static Leg leg(Book book, BigDecimal amount) { return new Leg(book, amount); }

  /** Records one posting, after checking its legs balance; nothing is written if they do not. */
  private void post(EntryKind kind, String currency, String orderId, Instant at, Leg... legs) {
    BigDecimal total = BigDecimal.ZERO;
    for (Leg leg : legs) total = total.add(leg.amount());
    if (total.signum() != 0) throw new IllegalStateException("unbalanced " + kind + " posting, off by " + total);
    String postingId = accountId + ":p" + nextPosting++;
    Map<Book, BigDecimal> books = balances.computeIfAbsent(currency, c -> new EnumMap<>(Book.class));
    for (int i = 0; i < legs.length; i++) {
      books.merge(legs[i].book(), legs[i].amount(), BigDecimal::add);
      entries.add(new LedgerEntry(postingId + ":" + i, postingId, accountId, currency, legs[i].book(),
          legs[i].amount(), kind, orderId, at));
    }
  }
}

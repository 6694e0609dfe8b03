package io.bourse.trading.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One side of a posting (ARCHITECTURE §4 fields plus the book and the posting it belongs to).
 *
 * @param amount signed: positive increases the book's balance
 * @param orderId the order that caused it, null for deposits and withdrawals
 */
public record LedgerEntry(
    String id, String postingId, String accountId, String currency, Book book, BigDecimal amount, EntryKind kind,
    String orderId, Instant createdAt) {}

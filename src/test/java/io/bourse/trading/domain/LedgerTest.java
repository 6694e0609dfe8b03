package io.bourse.trading.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LedgerTest {
  private static final Instant T = Instant.parse("2026-01-05T10:00:00Z");
  private final Ledger ledger = new Ledger("acc");

  private static BigDecimal d(String v) { return new BigDecimal(v); }

  @Test
  void depositIsBalancedAgainstTheExternalBook() {
    ledger.deposit("USD", d("1000"), T);
    assertThat(ledger.available("USD")).isEqualByComparingTo("1000");
    assertThat(ledger.balance("USD", Book.EXTERNAL)).isEqualByComparingTo("-1000");
    assertThat(ledger.sum("USD")).isEqualByComparingTo("0");
    assertThat(ledger.entries()).hasSize(2).allSatisfy(e -> assertThat(e.kind()).isEqualTo(EntryKind.DEPOSIT));
  }

  @Test
  void reserveFillFeeAndReleaseMoveMoneyBetweenBooksOnly() {
    ledger.deposit("USD", d("1000"), T);
    ledger.reserve("o1", "USD", d("300"), T);
    ledger.buyFill("o1", "USD", d("250"), T);
    ledger.fee("o1", "USD", d("0.25"), T);
    ledger.releaseAll("o1", "USD", T);
    assertThat(ledger.available("USD")).isEqualByComparingTo("749.75");
    assertThat(ledger.reserved("USD")).isEqualByComparingTo("0");
    assertThat(ledger.balance("USD", Book.VENUE)).isEqualByComparingTo("250");
    assertThat(ledger.balance("USD", Book.FEES)).isEqualByComparingTo("0.25");
    assertThat(ledger.sum("USD")).isEqualByComparingTo("0");
    assertThat(ledger.entries().stream().map(LedgerEntry::amount).reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualByComparingTo("0");
  }

  @Test
  void costAboveTheReservationIsTakenFromAvailable() {
    ledger.deposit("USD", d("100"), T);
    ledger.reserve("o1", "USD", d("10"), T);
    ledger.buyFill("o1", "USD", d("12"), T);
    assertThat(ledger.reserved("USD")).isEqualByComparingTo("0");
    assertThat(ledger.available("USD")).isEqualByComparingTo("88");
    assertThat(ledger.sum("USD")).isEqualByComparingTo("0");
  }

  @Test
  void reservationBeyondAvailableIsRefusedWithTheShortfall() {
    ledger.deposit("USD", d("100"), T);
    assertThatThrownBy(() -> ledger.reserve("o1", "USD", d("100.01"), T))
        .isInstanceOfSatisfying(BourseException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.ORD_INSUFFICIENT_CAPITAL);
          assertThat(e.getMessage()).contains("100.01").contains("100");
        });
    assertThat(ledger.entries()).hasSize(2);
  }

  @Test
  void releaseReturnsOnlyWhatThatOrderHolds() {
    ledger.deposit("USD", d("100"), T);
    ledger.reserve("o1", "USD", d("30"), T);
    ledger.reserve("o2", "USD", d("20"), T);
    ledger.releaseAll("o1", "USD", T);
    ledger.releaseAll("o1", "USD", T);
    assertThat(ledger.reserved("USD")).isEqualByComparingTo("20");
    assertThat(ledger.reservedFor("o2")).isEqualByComparingTo("20");
  }

  @Test
  void currenciesAreKeptApart() {
    ledger.deposit("USD", d("5"), T);
    ledger.deposit("EUR", d("7"), T);
    assertThat(ledger.available("EUR")).isEqualByComparingTo("7");
    assertThat(ledger.currencies()).containsExactlyInAnyOrder("USD", "EUR");
  }
}

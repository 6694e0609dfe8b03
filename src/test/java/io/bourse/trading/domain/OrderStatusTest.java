package io.bourse.trading.domain;

import static io.bourse.trading.domain.OrderStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class OrderStatusTest {

  @ParameterizedTest
  @EnumSource(value = OrderStatus.class, names = {"FILLED", "CANCELED", "REJECTED", "EXPIRED"})
  void terminalStatesAreAbsorbing(OrderStatus terminal) {
    assertThat(terminal.isTerminal()).isTrue();
    for (OrderStatus to : OrderStatus.values()) assertThat(canTransition(terminal, to)).as("%s -> %s", terminal, to).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
      "PENDING_NEW, NEW", "PENDING_NEW, REJECTED", "PENDING_NEW, FILLED", "PENDING_NEW, UNKNOWN",
      "NEW, PARTIALLY_FILLED", "NEW, PENDING_CANCEL", "NEW, EXPIRED",
      "PARTIALLY_FILLED, PARTIALLY_FILLED", "PARTIALLY_FILLED, FILLED",
      "PENDING_CANCEL, CANCELED", "PENDING_CANCEL, FILLED", "PENDING_CANCEL, NEW", "PENDING_CANCEL, UNKNOWN",
      "UNKNOWN, NEW", "UNKNOWN, RECONCILE_REQUIRED", "RECONCILE_REQUIRED, CANCELED"})
  void allowedTransitions(OrderStatus from, OrderStatus to) {
    assertThat(canTransition(from, to)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "NEW, REJECTED", "NEW, PENDING_NEW", "NEW, UNKNOWN", "PARTIALLY_FILLED, NEW", "PARTIALLY_FILLED, REJECTED",
      "UNKNOWN, PENDING_NEW", "PENDING_CANCEL, REJECTED", "RECONCILE_REQUIRED, UNKNOWN", "NEW, NEW"})
  void forbiddenTransitions(OrderStatus from, OrderStatus to) {
    assertThat(canTransition(from, to)).isFalse();
  }

  @Test
  void nothingReturnsToPendingNew() {
    for (OrderStatus from : OrderStatus.values()) assertThat(canTransition(from, PENDING_NEW)).isFalse();
  }

  @Test
  void openStatesAreExactlyTheNonTerminalOnes() {
    EnumSet<OrderStatus> open = EnumSet.noneOf(OrderStatus.class);
    for (OrderStatus s : OrderStatus.values()) if (s.isOpen()) open.add(s);
    assertThat(open).containsExactlyInAnyOrder(PENDING_NEW, NEW, PARTIALLY_FILLED, PENDING_CANCEL, UNKNOWN,
        RECONCILE_REQUIRED);
  }
}

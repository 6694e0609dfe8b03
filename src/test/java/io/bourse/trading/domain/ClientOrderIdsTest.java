package io.bourse.trading.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientOrderIdsTest {

  @Test
  void sameIntentGivesSameIdAndOtherIntentsDiffer() {
    String id = ClientOrderIds.derive("acc-1", "key-1");
    assertThat(ClientOrderIds.derive("acc-1", "key-1")).isEqualTo(id);
    assertThat(ClientOrderIds.derive("acc-1", "key-2")).isNotEqualTo(id);
    assertThat(ClientOrderIds.derive("acc-2", "key-1")).isNotEqualTo(id);
  }

  @Test
  void separatorKeepsAccountAndKeyApart() {
    assertThat(ClientOrderIds.derive("ab", "c")).isNotEqualTo(ClientOrderIds.derive("a", "bc"));
  }

  @Test
  void idIsBoundedAndVenueSafe() {
    String id = ClientOrderIds.derive("account", "x".repeat(500));
    assertThat(id).hasSize(ClientOrderIds.LENGTH).matches("bo[a-z2-7]{26}");
  }
}

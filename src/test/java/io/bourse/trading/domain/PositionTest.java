package io.bourse.trading.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PositionTest {
  private static BigDecimal d(String v) { return new BigDecimal(v); }

  @Test
  void buysAverageTheEntryPrice() {
    Position p = Position.flat("a", "X").apply(Side.BUY, d("1"), d("100")).apply(Side.BUY, d("3"), d("104"));
    assertThat(p.quantity()).isEqualByComparingTo("4");
    assertThat(p.averagePrice()).isEqualByComparingTo("103");
    assertThat(p.realizedPnl()).isEqualByComparingTo("0");
    assertThat(p.unrealizedPnl(d("110"))).isEqualByComparingTo("28");
  }

  @Test
  void reducingFillRealizesAgainstTheAverageAndKeepsIt() {
    Position p = Position.flat("a", "X").apply(Side.BUY, d("4"), d("100")).apply(Side.SELL, d("1"), d("110"));
    assertThat(p.quantity()).isEqualByComparingTo("3");
    assertThat(p.averagePrice()).isEqualByComparingTo("100");
    assertThat(p.realizedPnl()).isEqualByComparingTo("10");
  }

  @Test
  void crossingZeroClosesThenOpensAtTheFillPrice() {
    Position p = Position.flat("a", "X").apply(Side.BUY, d("2"), d("100")).apply(Side.SELL, d("5"), d("90"));
    assertThat(p.quantity()).isEqualByComparingTo("-3");
    assertThat(p.averagePrice()).isEqualByComparingTo("90");
    assertThat(p.realizedPnl()).isEqualByComparingTo("-20");
    assertThat(p.unrealizedPnl(d("80"))).isEqualByComparingTo("30");
  }

  @Test
  void shortCoveredAtProfitRealizesPositive() {
    Position p = Position.flat("a", "X").apply(Side.SELL, d("2"), d("50")).apply(Side.BUY, d("2"), d("45"));
    assertThat(p.quantity()).isEqualByComparingTo("0");
    assertThat(p.realizedPnl()).isEqualByComparingTo("10");
    assertThat(p.averagePrice()).isEqualByComparingTo("0");
  }

  @Test
  void reducingMeansOppositeSideWithoutCrossing() {
    Position longTwo = Position.flat("a", "X").apply(Side.BUY, d("2"), d("10"));
    assertThat(longTwo.isReducedBy(Side.SELL, d("2"))).isTrue();
    assertThat(longTwo.isReducedBy(Side.SELL, d("2.1"))).isFalse();
    assertThat(longTwo.isReducedBy(Side.BUY, d("1"))).isFalse();
    assertThat(Position.flat("a", "X").isReducedBy(Side.SELL, d("1"))).isFalse();
  }
}

package io.bourse.trading.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the fills (long, short, crossing zero), realized + unrealized PnL equals what a cash count says:
 * mark × quantity minus the net cash paid for it. Average prices are rounded to 12 places, each rounding worth at most
 * quantity × 5e-13, hence the small tolerance per fill.
 */
class PositionPropertyTest {
  record Fill(Side side, BigDecimal quantity, BigDecimal price) {}

  @Provide
  Arbitrary<Fill> fill() {
    return Combinators.combine(Arbitraries.of(Side.class),
        Arbitraries.integers().between(1, 500).map(lots -> BigDecimal.valueOf(lots, 2)),
        Arbitraries.integers().between(1, 100_000).map(cents -> BigDecimal.valueOf(cents, 2))).as(Fill::new);
  }

  @Property(tries = 300)
  void pnlMatchesTheCashCount(@ForAll @Size(max = 40) List<@From("fill") Fill> fills,
      @ForAll @IntRange(min = 1, max = 100_000) int markCents) {
    BigDecimal mark = BigDecimal.valueOf(markCents, 2);
    Position position = Position.flat("acc", "X");
    BigDecimal netCashPaid = BigDecimal.ZERO;
    BigDecimal signedQuantity = BigDecimal.ZERO;
    for (Fill fill : fills) {
      position = position.apply(fill.side(), fill.quantity(), fill.price());
      netCashPaid = netCashPaid.add(fill.side().signed(fill.quantity().multiply(fill.price())));
      signedQuantity = signedQuantity.add(fill.side().signed(fill.quantity()));
    }
    assertThat(position.quantity()).isEqualByComparingTo(signedQuantity);
    BigDecimal byCashCount = mark.multiply(signedQuantity).subtract(netCashPaid);
    BigDecimal byPosition = position.realizedPnl().add(position.unrealizedPnl(mark));
    BigDecimal tolerance = new BigDecimal("1e-9").multiply(BigDecimal.valueOf(fills.size() + 1L));
    assertThat(byPosition.subtract(byCashCount).abs()).isLessThanOrEqualTo(tolerance);
    if (position.quantity().signum() == 0) assertThat(position.averagePrice()).isEqualByComparingTo("0");
  }
}

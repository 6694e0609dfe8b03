package io.bourse.trading.domain.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.ErrorCode;
import io.bourse.trading.domain.EventSource;
import io.bourse.trading.domain.InstrumentSpec;
import io.bourse.trading.domain.Order;
import io.bourse.trading.domain.PlaceOrder;
import io.bourse.trading.domain.ReservationPolicy;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TradingAccount;
import io.bourse.trading.domain.VenueReport;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One test (or two) per rule, each through the standard engine so rule order is exercised too. */
class RiskRulesTest {
  private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
  private static final InstrumentSpec BTC = new InstrumentSpec("BTC", "USD", d("0.5"), d("0.01"), d("10"), true);
  private final RiskEngine engine = RiskEngine.standard();
  private TradingAccount account;
  private InstrumentSpec instrument;
  private TradingState state;
  private MarketSession session;
  private BigDecimal lastPrice;
  private Instant lastPriceAt;
  private RiskLimits limits;

  private static BigDecimal d(String v) { return new BigDecimal(v); }

  @BeforeEach
  void setUp() {
    account = new TradingAccount("acc", new ReservationPolicy(BigDecimal.ZERO, d("0.02")));
    account.deposit("USD", d("10000"), NOW);
    instrument = BTC;
    state = TradingState.ACTIVE;
    session = MarketSession.ALWAYS_OPEN;
    lastPrice = d("100");
    lastPriceAt = NOW.minusSeconds(1);
    limits = RiskLimits.UNLIMITED;
  }

  private static PlaceOrder buy(String qty, String price) {
    return PlaceOrder.limit("acc", "BTC", Side.BUY, d(qty), d(price), "k-" + qty + "-" + price, EventSource.REST);
  }

  private static PlaceOrder sell(String qty, String price) {
    return PlaceOrder.limit("acc", "BTC", Side.SELL, d(qty), d(price), "s-" + qty + "-" + price, EventSource.REST);
  }

  private Optional<RiskRejection> check(PlaceOrder order) {
    return engine.check(RiskCheck.of(account, order, instrument, state, session, lastPrice, lastPriceAt, NOW,
        symbol -> lastPrice, limits));
  }

  private void assertRejected(PlaceOrder order, ErrorCode code, String namedInMessage) {
    assertThat(check(order)).hasValueSatisfying(r -> {
      assertThat(r.code()).isEqualTo(code);
      assertThat(r.message()).contains(namedInMessage);
    });
  }

  private void holdLong(String qty) {
    Order order = account.place(buy(qty, "100"), BTC, null, NOW);
    account.apply(order.id(), new VenueReport.Filled("x-" + qty, d(qty), d("100"), BigDecimal.ZERO), EventSource.VENUE, NOW);
  }

  @Test
  void aSaneOrderPasses() {
    assertThat(check(buy("1", "100"))).isEmpty();
  }

  @Test
  void haltedRefusesEverything() {
    state = TradingState.HALTED;
    assertRejected(buy("1", "100"), ErrorCode.ORD_TRADING_DISABLED, "HALTED");
  }

  @Test
  void reducingAllowsOnlyPositionReducingOrders() {
    holdLong("2");
    state = TradingState.REDUCING;
    assertRejected(buy("1", "100"), ErrorCode.ORD_REDUCE_ONLY, "REDUCING");
    assertRejected(sell("3", "100"), ErrorCode.ORD_REDUCE_ONLY, "REDUCING");
    assertThat(check(sell("2", "100"))).isEmpty();
  }

  @Test
  void reducingCountsOpenOrdersSoTwoSellsCannotFlipThePosition() {
    holdLong("2");
    state = TradingState.REDUCING;
    account.place(sell("1.5", "100"), BTC, null, NOW);
    assertRejected(sell("1", "101"), ErrorCode.ORD_REDUCE_ONLY, "REDUCING");
    assertThat(check(sell("0.5", "101"))).isEmpty();
  }

  @Test
  void profileStateIsCombinedWithTheGlobalOneToTheStricter() {
    TradingControl control = TradingControl.ALL_ACTIVE.withProfile("p1", TradingState.HALTED);
    assertThat(control.effective("p1")).isEqualTo(TradingState.HALTED);
    assertThat(control.effective("p2")).isEqualTo(TradingState.ACTIVE);
    assertThat(control.effective(null)).isEqualTo(TradingState.ACTIVE);
    assertThat(control.withGlobal(TradingState.REDUCING).effective("p2")).isEqualTo(TradingState.REDUCING);
    assertThat(control.withGlobal(TradingState.REDUCING).effective("p1")).isEqualTo(TradingState.HALTED);
  }

  @Test
  void unknownOrUntradableInstrumentIsRefused() {
    instrument = null;
    assertRejected(buy("1", "100"), ErrorCode.ORD_UNKNOWN_INSTRUMENT, "BTC");
    instrument = new InstrumentSpec("BTC", "USD", d("0.5"), d("0.01"), d("10"), false);
    assertRejected(buy("1", "100"), ErrorCode.ORD_UNKNOWN_INSTRUMENT, "not tradable");
  }

  @Test
  void closedSessionIsRefused() {
    session = (symbol, at) -> false;
    assertRejected(buy("1", "100"), ErrorCode.ORD_MARKET_CLOSED, "closed");
  }

  @Test
  void staleDataBlocksRiskIncreasingOrdersButNotReducingOnes() {
    holdLong("1");
    limits = new RiskLimits(null, null, null, null, null, null, Duration.ofSeconds(5));
    lastPriceAt = NOW.minusSeconds(30);
    assertRejected(buy("1", "100"), ErrorCode.ORD_STALE_MARKET_DATA, "maxMarketDataAge PT5S");
    assertThat(check(sell("1", "100"))).isEmpty();
  }

  @Test
  void marketOrderWithoutAnyPriceIsRefusedAsStale() {
    lastPrice = null;
    assertRejected(PlaceOrder.market("acc", "BTC", Side.BUY, d("1"), "m", EventSource.STRATEGY),
        ErrorCode.ORD_STALE_MARKET_DATA, "MARKET");
  }

  @Test
  void priceOffTheTickGridIsRefused() {
    assertRejected(buy("1", "100.25"), ErrorCode.ORD_TICK_SIZE, "tickSize 0.5");
  }

  @Test
  void quantityOffTheLotGridIsRefused() {
    assertRejected(buy("1.005", "100"), ErrorCode.ORD_LOT_SIZE, "lotSize 0.01");
  }

  @Test
  void notionalBelowTheInstrumentMinimumIsRefused() {
    assertRejected(buy("0.05", "100"), ErrorCode.ORD_MIN_NOTIONAL, "minNotional 10");
  }

  @Test
  void notionalAboveTheOrderMaximumIsRefused() {
    limits = new RiskLimits(d("500"), null, null, null, null, null, null);
    assertRejected(buy("6", "100"), ErrorCode.ORD_MAX_NOTIONAL, "maxOrderNotional 500");
    assertThat(check(buy("5", "100"))).isEmpty();
  }

  @Test
  void limitPriceOutsideTheBandIsRefused() {
    limits = new RiskLimits(null, null, d("0.05"), null, null, null, null);
    assertRejected(buy("1", "106"), ErrorCode.ORD_PRICE_BAND, "priceBandFraction 0.05");
    assertThat(check(buy("1", "95"))).isEmpty();
  }

  @Test
  void positionLimitCountsOpenOrdersOnTheSameSide() {
    limits = new RiskLimits(null, d("3"), null, null, null, null, null);
    holdLong("1");
    account.place(buy("1.5", "100"), BTC, null, NOW);
    assertRejected(buy("1", "100"), ErrorCode.ORD_MAX_POSITION, "maxPositionQuantity 3");
    assertThat(check(buy("0.5", "100"))).isEmpty();
  }

  @Test
  void openOrderCountIsCapped() {
    limits = new RiskLimits(null, null, null, 2, null, null, null);
    account.place(buy("1", "100"), BTC, null, NOW);
    account.place(buy("2", "100"), BTC, null, NOW);
    assertRejected(buy("3", "100"), ErrorCode.ORD_MAX_OPEN_ORDERS, "maxOpenOrders is 2");
  }

  @Test
  void orderRatePerMinuteIsCapped() {
    limits = new RiskLimits(null, null, null, null, 2, null, null);
    Order first = account.place(buy("1", "100"), BTC, null, NOW.minusSeconds(10));
    account.apply(first.id(), new VenueReport.Canceled("ioc"), EventSource.VENUE, NOW);
    Order second = account.place(buy("2", "100"), BTC, null, NOW.minusSeconds(5));
    account.apply(second.id(), new VenueReport.Canceled("ioc"), EventSource.VENUE, NOW);
    assertRejected(buy("3", "100"), ErrorCode.ORD_RATE_LIMIT, "maxOrdersPerMinute is 2");
  }

  @Test
  void dailyLossLimitLetsOnlyReducingOrdersThrough() {
    holdLong("10");
    lastPrice = d("80");
    limits = new RiskLimits(null, null, null, null, null, d("150"), null);
    assertRejected(buy("1", "80"), ErrorCode.ORD_DAILY_LOSS, "dailyLossLimit 150");
    assertThat(check(sell("1", "80"))).isEmpty();
  }

  @Test
  void insufficientCapitalIsRefusedNamingBothAmounts() {
    assertRejected(buy("100.01", "100"), ErrorCode.ORD_INSUFFICIENT_CAPITAL, "needs 10001 USD but only 10000");
  }

  @Test
  void profileLimitsTightenWhatTheySetAndNeverLiftTheAccountsLimits() {
    RiskLimits account = new RiskLimits(d("1000"), d("5"), d("0.05"), 10, null, d("500"), java.time.Duration.ofSeconds(30));
    RiskLimits merged = account.tightenedBy(new RiskLimits(d("200"), d("50"), null, null, 3, d("1000000"),
        java.time.Duration.ofSeconds(5)));
    assertThat(merged.maxOrderNotional()).isEqualByComparingTo("200");
    assertThat(merged.maxPositionQuantity()).as("a profile cannot lift the account's limit").isEqualByComparingTo("5");
    assertThat(merged.priceBandFraction()).isEqualByComparingTo("0.05");
    assertThat(merged.maxOpenOrders()).isEqualTo(10);
    assertThat(merged.maxOrdersPerMinute()).isEqualTo(3);
    assertThat(merged.dailyLossLimit()).isEqualByComparingTo("500");
    assertThat(merged.maxMarketDataAge()).isEqualTo(java.time.Duration.ofSeconds(5));
  }
}

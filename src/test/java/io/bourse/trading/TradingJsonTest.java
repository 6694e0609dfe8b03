package io.bourse.trading;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TradingJsonTest {
  @Test
  void plainWritesWhatStripTrailingZerosWrites() {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 200_000; i++) {
      BigInteger unscaled = BigInteger.valueOf(random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L))
          .multiply(BigInteger.TEN.pow(random.nextInt(4)));
      if (random.nextInt(20) == 0) unscaled = unscaled.multiply(BigInteger.valueOf(Long.MAX_VALUE)); // beyond a long
      BigDecimal value = new BigDecimal(unscaled, random.nextInt(-6, 24));
      assertThat(TradingJson.plain(value)).as(value.toString()).isEqualTo(value.stripTrailingZeros().toPlainString());
    }
    for (String edge : List.of("0", "0.000", "-0.0", "10", "100.00", "1E+3", "0.10", "-5.000", "12345678901234567890.1230")) {
      BigDecimal value = new BigDecimal(edge);
      assertThat(TradingJson.plain(value)).as(edge).isEqualTo(value.stripTrailingZeros().toPlainString());
    }
    assertThat(TradingJson.plain(null)).isNull();
  }
}

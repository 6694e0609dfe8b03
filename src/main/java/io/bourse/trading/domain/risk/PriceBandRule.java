package io.bourse.trading.domain.risk;

import static io.bourse.trading.domain.risk.RiskRejection.reject;

import io.bourse.common.ErrorCode;
import java.math.BigDecimal;
import java.util.Optional;

/** Fat-finger guard: a limit price may not stray further than the band from the last price. */
public final class PriceBandRule implements RiskRule {
  @Override
  public Optional<RiskRejection> check(RiskCheck check) {
    BigDecimal band = check.limits().priceBandFraction();
    BigDecimal price = check.order().price();
    if (band == null || price == null) return Optional.empty();
    BigDecimal last = check.lastPrice();
    if (last == null) {
      return reject(ErrorCode.ORD_PRICE_BAND, "No last price for " + check.order().symbol()
          + " to check priceBandFraction " + band.toPlainString() + " against");
    }
    BigDecimal allowed = last.multiply(band);
    return price.subtract(last).abs().compareTo(allowed) <= 0 ? Optional.empty()
        : reject(ErrorCode.ORD_PRICE_BAND, "Price " + price.toPlainString() + " is more than priceBandFraction "
            + band.toPlainString() + " away from the last price " + last.toPlainString());
  }
}

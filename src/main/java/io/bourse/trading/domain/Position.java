package io.bourse.trading.domain;

import java.math.BigDecimal;

/**
 * Net position in one symbol. Quantity is signed (negative = short) and is exactly the signed sum of applied fills.
 * Realized PnL is booked when a fill reduces the position, against the average entry price, gross of fees (fees
 * live in the ledger's FEES book). A fill that crosses zero closes the old side and opens the rest at the fill price.
 */
public record Position(String accountId, String symbol, BigDecimal quantity, BigDecimal averagePrice, BigDecimal realizedPnl) {

  public static Position flat(String accountId, String symbol) {
    return new Position(accountId, symbol, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
  }

  public Position apply(Side side, BigDecimal fillQuantity, BigDecimal fillPrice) {
    BigDecimal signedFill = side.signed(fillQuantity);
    BigDecimal newQuantity = quantity.add(signedFill);
    if (quantity.signum() == 0 || quantity.signum() == signedFill.signum()) {
      BigDecimal cost = averagePrice.multiply(quantity.abs()).add(fillPrice.multiply(fillQuantity));
      return new Position(accountId, symbol, newQuantity, Decimals.divideForPrice(cost, newQuantity.abs()), realizedPnl);
    }
    BigDecimal closed = fillQuantity.min(quantity.abs());
    BigDecimal pnl = fillPrice.subtract(averagePrice).multiply(closed).multiply(BigDecimal.valueOf(quantity.signum()));
    BigDecimal newAverage = newQuantity.signum() == 0 ? BigDecimal.ZERO
        : newQuantity.signum() == quantity.signum() ? averagePrice : fillPrice;
    return new Position(accountId, symbol, newQuantity, newAverage, realizedPnl.add(pnl));
  }

  public BigDecimal unrealizedPnl(BigDecimal markPrice) {
    return markPrice.subtract(averagePrice).multiply(quantity);
  }

  /** True if an order of this side and quantity moves the position toward zero without crossing it. */
  public boolean isReducedBy(Side side, BigDecimal orderQuantity) {
    return quantity.signum() != 0 && side.signed(BigDecimal.ONE).signum() != quantity.signum()
        && orderQuantity.compareTo(quantity.abs()) <= 0;
  }
}

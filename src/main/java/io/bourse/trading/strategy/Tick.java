package io.bourse.trading.strategy;

import java.math.BigDecimal;
import java.time.Instant;

public record Tick(String symbol, BigDecimal price, Instant at) {}

package io.bourse.trading.domain;

public enum OrderType { MARKET, LIMIT, STOP_LIMIT }

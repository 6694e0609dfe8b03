package io.bourse.trading.domain;

public enum TimeInForce { GTC, IOC, FOK }

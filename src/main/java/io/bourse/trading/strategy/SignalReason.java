package io.bourse.trading.strategy;

public enum SignalReason { ENTRY, EXIT_SIGNAL, STOP_LOSS, TAKE_PROFIT, TRAILING_STOP }

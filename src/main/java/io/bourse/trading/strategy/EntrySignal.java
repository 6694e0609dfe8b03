package io.bourse.trading.strategy;

/** What an entry rule says about the latest price: open a long, close it, or nothing new. */
public enum EntrySignal { ENTER_LONG, EXIT_LONG, NONE }

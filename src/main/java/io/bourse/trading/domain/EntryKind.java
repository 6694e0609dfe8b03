package io.bourse.trading.domain;

/** Why money moved; each posting has one kind and every entry of it carries that kind. */
public enum EntryKind { DEPOSIT, WITHDRAWAL, RESERVE, RELEASE, FILL, FEE }

package io.bourse.trading.domain;

/**
 * The internal accounts of one trading account's ledger, per currency. Money only moves between books, so the
 * books of an account always sum to zero per currency:
 * <ul>
 *   <li>AVAILABLE, RESERVED: the account's cash, free or held for working orders;</li>
 *   <li>EXTERNAL: the contra book of deposits and withdrawals (negative = net money brought in);</li>
 *   <li>VENUE: cash exchanged with the venue for positions (positive = net paid for what is held);</li>
 *   <li>FEES: fees paid to the venue.</li>
 * </ul>
 */
public enum Book { AVAILABLE, RESERVED, EXTERNAL, VENUE, FEES }

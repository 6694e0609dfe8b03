package io.bourse.trading.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives the client order id sent to the venue from the intent, so a retry of the same intent (same account and
 * idempotency key, after a crash or timeout) presents the same id and the venue can refuse the duplicate.
 *
 * <p>Format: {@code "bo"} + 26 lowercase base32 characters of SHA-256(accountId NUL idempotencyKey) = 28 characters
 * (130 bits), inside the strictest common venue limit (Binance 36) and made only of [a-z2-7], which every venue
 * accepts. Account ids are globally unique, so the tenant adds nothing to the hash.
 */
public final class ClientOrderIds {
  public static final int LENGTH = 28;
  private static final String PREFIX = "bo";
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private ClientOrderIds() {}

  public static String derive(String accountId, String idempotencyKey) {
    byte[] digest = sha256(accountId + '\u0000' + idempotencyKey);
    StringBuilder id = new StringBuilder(LENGTH).append(PREFIX);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; id.length() < LENGTH; ) {
      if (bits < 5) {
        buffer = (buffer << 8) | (digest[i++] & 0xff);
        bits += 8;
      }
      id.append(BASE32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
    return id.toString();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}

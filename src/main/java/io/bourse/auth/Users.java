package io.bourse.auth;

import java.util.Locale;
import java.util.regex.Pattern;

/** Input rules for identities, shared by the API, the bootstrap and config validation. */
public final class Users {
  public static final int MIN_PASSWORD_LENGTH = 12;
  public static final int MAX_PASSWORD_LENGTH = 256;
  // Deliberately narrow: the email is also a store id (no '/', '?', '#', '\'), and nothing that can forge a log line.
  private static final Pattern EMAIL = Pattern.compile("[a-z0-9._%+\\-]{1,64}@[a-z0-9.\\-]{1,189}\\.[a-z]{2,63}");

  private Users() {}

  public static String normalizeEmail(String email) {
    return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
  }

  public static boolean validEmail(String normalized) {
    return normalized != null && normalized.length() <= 254 && EMAIL.matcher(normalized).matches();
  }
}

package io.bourse.auth;

import java.util.Locale;

/** Roles are ordered: each one includes what the ones before it may do. */
public enum Role {
  VIEWER, TRADER, ADMIN;

  public String wire() { return name().toLowerCase(Locale.ROOT); }

  public static Role fromWire(String value) {
    for (Role r : values()) {
      if (r.wire().equals(value)) return r;
    }
    return null;
  }
}

package io.bourse.auth;

import java.util.Set;

/** The verified caller of one request, taken from its access token; never from the path or body. */
public record Principal(String userId, String tenantId, Set<Role> roles, long expiresAtEpochSeconds) {
  public static final String CONTEXT_KEY = "bourse.principal";

  /** Roles are hierarchical: an admin may do what a trader may, a trader what a viewer may. */
  public boolean hasAtLeast(Role required) {
    for (Role r : roles) {
      if (r.ordinal() >= required.ordinal()) return true;
    }
    return false;
  }
}

package io.bourse.auth;

/**
 * The tenant every store access of a request is confined to. It is made from the verified principal, never from a
 * path or body value, so a handler cannot accidentally read another tenant's partition; the only other way to get
 * one is {@link #operator(String)}, for the bootstrap and for operators (admins of the bootstrap tenant) acting on a
 * named tenant.
 */
public final class TenantScope {
  private final String tenantId;

  private TenantScope(String tenantId) {
    this.tenantId = tenantId;
  }

  public static TenantScope of(Principal principal) {
    return new TenantScope(principal.tenantId());
  }

  static TenantScope operator(String tenantId) {
    return new TenantScope(tenantId);
  }

  public String tenantId() { return tenantId; }
}

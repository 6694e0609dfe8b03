package io.bourse.health;

import io.vertx.core.Future;

/**
 * One dependency as readiness sees it. {@code critical} dependencies make the service unready when down; the others
 * only degrade it (their features fall back, e.g. in-process rate limits when Redis is gone).
 */
public interface DependencyCheck {
  String name();

  boolean configured();

  boolean critical();

  /** Completes with the dependency's version (or null) when it answers; fails when it is down. */
  Future<String> probe();

  /** Releases what probing holds open (a client, its threads); called once at shutdown. */
  default Future<Void> close() { return Future.succeededFuture(); }

  static DependencyCheck disabled(String name) {
    return new DependencyCheck() {
      @Override public String name() { return name; }
      @Override public boolean configured() { return false; }
      @Override public boolean critical() { return false; }
      @Override public Future<String> probe() { return Future.succeededFuture(); }
    };
  }
}

package io.bourse.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Argon2id with the OWASP minimum (m = 19 MiB, t = 2, p = 1) on a small dedicated worker pool. The pool is the bound
 * on how much CPU and memory password checks can take: a login flood queues here (behind the login rate limit)
 * instead of starving the shared worker pool or the event loops. The same pool signs tokens, another CPU-heavy step.
 */
public final class PasswordHasher implements AutoCloseable {
  /** Only touched on the pool: password4j's first use loads its configuration and classes (hundreds of ms). */
  private static final class Params {
    static final Argon2Function ARGON2 = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);
  }

  private final WorkerExecutor pool;
  // Checked against when the email is unknown, so a miss costs as much as a wrong password (no user enumeration).
  private volatile String decoy;

  public PasswordHasher(Vertx vertx, int workers) {
    this.pool = vertx.createSharedWorkerExecutor("bourse-auth-crypto", workers, 30, TimeUnit.SECONDS);
  }

  public Future<String> hash(String password) {
    return pool.executeBlocking(() -> Password.hash(password).addRandomSalt(16).with(Params.ARGON2).getResult(), false);
  }

  /** A null hash (unknown user) is checked against the decoy and always fails. */
  public Future<Boolean> verify(String password, String hash) {
    return pool.executeBlocking(() -> {
      String target = hash == null ? decoy() : hash;
      boolean ok = Password.check(password, target).with(Argon2Function.getInstanceFromHash(target));
      return ok && hash != null;
    }, false);
  }

  private String decoy() {
    String d = decoy;
    if (d == null) {
      d = Password.hash("decoy-password-never-valid").addRandomSalt(16).with(Params.ARGON2).getResult();
      decoy = d;
    }
    return d;
  }

  /** Any other CPU-heavy step of the auth flow (token signing). */
  public <T> Future<T> run(Callable<T> work) {
    return pool.executeBlocking(work, false);
  }

  @Override
  public void close() {
    pool.close();
  }
}

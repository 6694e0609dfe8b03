package io.bourse.auth;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.http.ratelimit.RateLimitConfig;
import io.bourse.http.ratelimit.RateLimiter;
import io.bourse.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Identity and access, assembled once per process and shared by every HTTP verticle instance. */
public final class AuthService {
  private static final Logger log = LoggerFactory.getLogger(AuthService.class);
  public static final String ADMIN_PASSWORD_FILE = "admin-password.txt";

  final AuthConfig config;
  final RateLimitConfig rateLimits;
  final IdentityStore identities;
  final RefreshTokens refreshTokens;
  final AccessTokens accessTokens;
  final PasswordHasher hasher;
  final RateLimiter limiter;

  private AuthService(AuthConfig config, RateLimitConfig rateLimits, IdentityStore identities,
                      RefreshTokens refreshTokens, AccessTokens accessTokens, PasswordHasher hasher,
                      RateLimiter limiter) {
    this.config = config;
    this.rateLimits = rateLimits;
    this.identities = identities;
    this.refreshTokens = refreshTokens;
    this.accessTokens = accessTokens;
    this.hasher = hasher;
    this.limiter = limiter;
  }

  public static Future<AuthService> start(Vertx vertx, AuthConfig config, RateLimitConfig rateLimits, Path dataDir,
                                          DocumentStore store, Redis redis) {
    Clock clock = Clock.systemUTC();
    PasswordHasher hasher = new PasswordHasher(vertx, config.hashWorkers());
    // Key loading, JWT provider and cache set-up do file IO and cold class loading: all of it on the auth pool.
    return hasher.run(() -> {
          SigningKeys keys = SigningKeys.loadOrGenerate(dataDir, config);
          return new AuthService(config, rateLimits, new IdentityStore(store, clock),
              new RefreshTokens(store, config, clock, keys), new AccessTokens(vertx, config, keys, clock), hasher,
              new RateLimiter(redis, clock));
        })
        .compose(auth -> auth.identities.ensureContainers()
            .compose(v -> auth.refreshTokens.ensureContainer())
            .compose(v -> auth.bootstrap(vertx, dataDir))
            .map(auth))
        .onFailure(e -> hasher.close());
  }

  public SigningKeys signingKeys() { return accessTokens.keys(); }

  /**
   * The caller behind an access token, for the REST gate and the event-bus bridge alike: the token must verify and
   * its user must exist and be enabled. Roles are the stored ones, not the token's: a demotion takes effect within
   * seconds (the user cache), not at token expiry. Fails with ERR_AUTH_001 (bad token, unknown user) or ERR_AUTH_006 (disabled); never blocks.
   */
  public Future<Principal> authenticate(String accessToken) {
    return accessTokens.verify(accessToken)
        .compose(token -> identities.cachedUser(TenantScope.of(token), token.userId()).compose(user -> {
          if (user == null) return Future.failedFuture(new BourseException(ErrorCode.AUTH_TOKEN_INVALID));
          if (user.disabled()) return Future.failedFuture(new BourseException(ErrorCode.AUTH_USER_DISABLED));
          return Future.succeededFuture(
              new Principal(user.id(), user.tenantId(), user.roles(), token.expiresAtEpochSeconds()));
        }));
  }

  public void close() {
    hasher.close();
  }

  /**
   * First start: the bootstrap tenant and its admin. Idempotent: an existing admin is left alone (its password is
   * never reset by a restart), so this is safe on every start and on several nodes at once.
   */
  private Future<Void> bootstrap(Vertx vertx, Path dataDir) {
    String tenantId = config.bootstrapTenant();
    return identities.tenant(tenantId)
        .compose(t -> t != null ? Future.succeededFuture()
            : identities.createTenant(tenantId, "Operators").recover(e -> IdentityStore.isConflict(e)
                ? Future.succeededFuture() : Future.failedFuture(e)).mapEmpty())
        .compose(v -> identities.userByEmail(config.adminEmail()))
        .compose(existing -> {
          if (existing != null) return Future.<Void>succeededFuture();
          return adminPassword(vertx, dataDir)
              .compose(hasher::hash)
              .compose(hash -> identities.createUser(TenantScope.operator(tenantId), config.adminEmail(), hash,
                  EnumSet.of(Role.ADMIN)))
              .onSuccess(u -> log.info("Created bootstrap admin {} in tenant {}", u.id(), tenantId))
              .recover(e -> IdentityStore.isConflict(e) || e instanceof io.bourse.common.BourseException be
                  && be.code() == io.bourse.common.ErrorCode.CONFLICT_EXISTS
                  ? Future.succeededFuture() : Future.failedFuture(e))
              .mapEmpty();
        });
  }

  /** The configured password, or one generated once and kept (0600) in the data dir. */
  private Future<String> adminPassword(Vertx vertx, Path dataDir) {
    if (!config.adminPassword().isEmpty()) return Future.succeededFuture(config.adminPassword());
    return vertx.executeBlocking(() -> {
      Path file = dataDir.resolve(ADMIN_PASSWORD_FILE);
      if (Files.exists(file)) {
        // Written by an earlier start that stopped before the admin was stored: keep the password already shown.
        return Files.readString(file).trim();
      }
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Files.createDirectories(dataDir);
      SigningKeys.writeOwnerOnly(file, password + "\n");
      // Deliberately stderr, not the logger: the password must reach the operator's terminal exactly once and
      // never a log pipeline. The file (0600) keeps it for later.
      System.err.println("Bourse: generated a password for the bootstrap admin " + config.adminEmail()
          + ": " + password + "  (also stored in " + file.toAbsolutePath() + ", readable only by this user)");
      return password;
    }, false);
  }
}

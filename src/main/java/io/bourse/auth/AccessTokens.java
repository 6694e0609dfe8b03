package io.bourse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Issues and verifies access tokens (JWT, RS256). Verification never trusts the token's header: the algorithm is
 * pinned to RS256 and the {@code kid} must name one of our keys before the signature is even checked (RFC 8725);
 * vertx-auth-jwt then checks the signature, and the registered claims are checked here again with our own clock,
 * because the library only enforces iss/aud when configured and has had leeway inconsistencies (vertx-auth #370,
 * #500). Verified tokens are cached by hash until they expire, so steady traffic pays one RSA verify per token,
 * not per request.
 */
public final class AccessTokens {
  public static final String ALGORITHM = "RS256";
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

  private final AuthConfig config;
  private final JWTAuth jwt;
  private final Map<String, SigningKeys> keysById;
  private final SigningKeys signing;
  private final Clock clock;
  private final Cache<String, Principal> verified;

  public AccessTokens(Vertx vertx, AuthConfig config, SigningKeys keys, Clock clock) {
    this.config = config;
    this.signing = keys;
    this.keysById = Map.of(keys.kid(), keys);
    this.clock = clock;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(keys.kid()).setBuffer(keys.publicPem()))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(keys.kid()).setBuffer(keys.privatePem()))
        .setJWTOptions(new JWTOptions()
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience()))
            .setLeeway(config.clockLeewaySeconds())));
    this.verified = Caffeine.newBuilder()
        .maximumSize(config.verifiedTokenCacheSize())
        .expireAfter(new Expiry<String, Principal>() {
          @Override
          public long expireAfterCreate(String key, Principal p, long currentTime) {
            long seconds = Math.max(0, p.expiresAtEpochSeconds() - clock.instant().getEpochSecond());
            return TimeUnit.SECONDS.toNanos(seconds);
          }

          @Override
          public long expireAfterUpdate(String key, Principal p, long currentTime, long currentDuration) {
            return currentDuration;
          }

          @Override
          public long expireAfterRead(String key, Principal p, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  public record Issued(String token, int expiresIn) {}

  /** Signs a token for the user. RSA signing costs about a millisecond, so callers run this on a worker. */
  public Issued issue(String userId, String tenantId, Set<Role> roles) {
    long now = clock.instant().getEpochSecond();
    JsonArray roleNames = new JsonArray();
    roles.stream().sorted().forEach(r -> roleNames.add(r.wire()));
    JsonObject claims = new JsonObject()
        .put("sub", userId)
        .put("tid", tenantId)
        .put("roles", roleNames)
        .put("iss", config.issuer())
        .put("aud", config.audience())
        .put("iat", now)
        .put("nbf", now)
        .put("exp", now + config.accessTokenTtlSeconds())
        .put("jti", UUID.randomUUID().toString());
    String token = jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setNoTimestamp(true)
        .setHeader(new JsonObject().put("kid", signing.kid())));
    return new Issued(token, config.accessTokenTtlSeconds());
  }

  /** Completes with the token's principal, or fails with ERR_AUTH_001. Runs on the event loop (RS256 verify ~40 µs). */
  public Future<Principal> verify(String token) {
    String cacheKey;
    try {
      cacheKey = hash(token);
    } catch (RuntimeException e) {
      return Future.failedFuture(invalid());
    }
    Principal cached = verified.getIfPresent(cacheKey);
    if (cached != null) return Future.succeededFuture(cached);
    if (!headerAcceptable(token)) return Future.failedFuture(invalid());
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(invalid()))
        .compose(user -> {
          // vertx-auth keeps the decoded payload under the "accessToken" attribute; the principal holds the raw token.
          JsonObject claims = user.attributes().getJsonObject("accessToken");
          Principal p = checkClaims(claims != null ? claims : user.principal());
          if (p == null) return Future.failedFuture(invalid());
          if (config.verifiedTokenCacheSize() > 0) verified.put(cacheKey, p);
          return Future.succeededFuture(p);
        });
  }

  public SigningKeys keys() { return signing; }

  private boolean headerAcceptable(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0 || second == token.length() - 1) {
      return false;
    }
    try {
      JsonObject header = new JsonObject(new String(B64URL.decode(token.substring(0, first)), StandardCharsets.UTF_8));
      Object alg = header.getValue("alg");
      Object kid = header.getValue("kid");
      Object typ = header.getValue("typ");
      return ALGORITHM.equals(alg)
          && kid instanceof String k && keysById.containsKey(k)
          && (typ == null || "JWT".equals(typ))
          && header.getValue("crit") == null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Principal checkClaims(JsonObject c) {
    if (c == null) return null;
    long now = clock.instant().getEpochSecond();
    long leeway = config.clockLeewaySeconds();
    Long exp = number(c.getValue("exp"));
    Long iat = number(c.getValue("iat"));
    Long nbf = c.containsKey("nbf") ? number(c.getValue("nbf")) : Long.valueOf(0);
    if (exp == null || iat == null || nbf == null) return null;
    if (now > exp + leeway || iat > now + leeway || nbf > now + leeway) return null;
    if (exp - iat > config.accessTokenTtlSeconds() + leeway) return null; // never honour a longer-lived token
    if (!config.issuer().equals(c.getValue("iss"))) return null;
    Object aud = c.getValue("aud");
    boolean audienceOk = config.audience().equals(aud)
        || (aud instanceof JsonArray a && a.contains(config.audience()));
    if (!audienceOk) return null;
    if (!(c.getValue("sub") instanceof String sub) || sub.isEmpty()) return null;
    if (!(c.getValue("tid") instanceof String tid) || tid.isEmpty()) return null;
    if (!(c.getValue("jti") instanceof String jti) || jti.isEmpty()) return null;
    if (!(c.getValue("roles") instanceof JsonArray roleNames) || roleNames.isEmpty()) return null;
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (Object name : roleNames) {
      Role r = name instanceof String s ? Role.fromWire(s) : null;
      if (r == null) return null;
      roles.add(r);
    }
    return new Principal(sub, tid, Set.copyOf(roles), exp);
  }

  private static Long number(Object value) {
    return value instanceof Number n ? n.longValue() : null;
  }

  private static BourseException invalid() {
    return new BourseException(ErrorCode.AUTH_TOKEN_INVALID);
  }

  static String hash(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.bourse.auth;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.store.BatchOperation;
import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opaque refresh tokens ({@code <familyId>.<256 random bits>}), stored only as SHA-256 hashes, rotated on every use,
 * with reuse detection per RFC 9700 §4.14.
 *
 * <p>One family per login lives in one partition of {@code refresh_tokens}: a {@code family} document (owner,
 * current token hash, revoked flag) and one document per token (used-at, successor hash). A rotation is one atomic
 * batch — family and presented token replaced under their ETags, successor created — so two concurrent rotations of
 * one token cannot both create a successor.
 *
 * <p>Grace window: the successor of a token is derived (HMAC of the parent's hash under a server key), so presenting
 * the immediately previous token again within {@code refreshGraceSeconds} of its rotation returns the <em>same</em>
 * successor instead of revoking: a response lost in transit, or two browser tabs refreshing at once, do not log the
 * user out, and the family never forks. Any other reuse (later, or of an older token) revokes the whole family,
 * including the successor already handed out.
 */
public final class RefreshTokens {
  private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);
  static final String CONTAINER = "refresh_tokens";
  private static final String FAMILY = "family";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DocumentStore store;
  private final AuthConfig config;
  private final Clock clock;
  private final byte[] successorKey;

  public RefreshTokens(DocumentStore store, AuthConfig config, Clock clock, SigningKeys keys) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.successorKey = sha256(("bourse refresh successor v1").getBytes(StandardCharsets.UTF_8),
        keys.privateKey().getEncoded());
  }

  public Future<Void> ensureContainer() {
    return store.ensureContainer(ContainerSpec.of(CONTAINER));
  }

  /** The owner of a family, as rotation hands it back to issue the new access token. */
  public record Rotated(String refreshToken, String userId, String tenantId) {}

  public Future<String> issue(String userId, String tenantId) {
    String familyId = UUID.randomUUID().toString();
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = familyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String hash = hash(token);
    JsonObject family = new JsonObject().put("userId", userId).put("tenantId", tenantId).put("current", hash)
        .put("revoked", false).put("createdAt", clock.instant().toString());
    return store.batch(CONTAINER, familyId, List.of(
            BatchOperation.create(Document.of(familyId, FAMILY, family).withTtl(config.refreshTokenTtlSeconds())),
            BatchOperation.create(Document.of(familyId, hash, new JsonObject()).withTtl(config.refreshTokenTtlSeconds()))))
        .map(token);
  }

  public Future<Rotated> rotate(String presented) {
    return rotate(presented, 0);
  }

  /** Reads of a family racing a concurrent rotation retried before any verdict (see {@link #rotate(String, int)}). */
  private static final int MAX_ATTEMPTS = 3;

  private Future<Rotated> rotate(String presented, int attempt) {
    String familyId = familyOf(presented);
    if (familyId == null) return Future.failedFuture(invalid());
    String hash = hash(presented);
    return Future.all(store.read(CONTAINER, familyId, FAMILY), store.read(CONTAINER, familyId, hash))
        .compose(both -> {
          Document family = both.resultAt(0);
          Document token = both.resultAt(1);
          if (family == null || token == null || family.body().getBoolean("revoked", false)) {
            return Future.failedFuture(invalid());
          }
          JsonObject f = family.body();
          Rotated successor = new Rotated(successorOf(presented, hash), f.getString("userId"), f.getString("tenantId"));
          String successorHash = hash(successor.refreshToken());
          Long usedAt = token.body().getLong("usedAt");
          long now = clock.millis();
          // The two documents are read one after the other, so a rotation committing in between can pair an old one
          // with a new one: "unused" but no longer current, or "used" but still current. A rotation writes both at
          // once, so such a pair is always a torn read, never reuse: read again rather than revoke a live login.
          boolean consistent = (usedAt == null) == hash.equals(f.getString("current"));
          if (!consistent && attempt < MAX_ATTEMPTS) return rotate(presented, attempt + 1);
          if (usedAt == null && hash.equals(f.getString("current"))) {
            int ttl = config.refreshTokenTtlSeconds();
            return store.batch(CONTAINER, familyId, List.of(
                    BatchOperation.replace(family.withBody(f.copy().put("current", successorHash)).withTtl(ttl),
                        family.etag()),
                    BatchOperation.replace(token.withBody(new JsonObject().put("usedAt", now)
                        .put("successor", successorHash)).withTtl(ttl), token.etag()),
                    BatchOperation.create(Document.of(familyId, successorHash, new JsonObject()).withTtl(ttl))))
                .map(successor)
                .recover(e -> {
                  // Lost a race with a concurrent rotation of the same token: look again, now it is a (graceful) reuse.
                  if (attempt < MAX_ATTEMPTS && e instanceof StoreException se
                      && (se.kind() == StoreException.Kind.PRECONDITION_FAILED
                      || se.kind() == StoreException.Kind.CONFLICT)) {
                    return rotate(presented, attempt + 1);
                  }
                  return Future.failedFuture(e);
                });
          }
          boolean inGrace = usedAt != null && now - usedAt <= config.refreshGraceSeconds() * 1000L
              && successorHash.equals(f.getString("current"));
          if (inGrace) {
            return Future.succeededFuture(successor);
          }
          log.warn("Refresh token reuse detected: revoking token family {} of user {} in tenant {}", familyId,
              f.getString("userId"), f.getString("tenantId"));
          return revokeFamily(familyId).transform(ar -> Future.failedFuture(invalid()));
        });
  }

  /** Revokes the family of a token the caller proves to hold; unknown tokens are ignored (no oracle). */
  public Future<Void> revoke(String presented, String expectedUserId) {
    String familyId = familyOf(presented);
    if (familyId == null) return Future.succeededFuture();
    return Future.all(store.read(CONTAINER, familyId, FAMILY), store.read(CONTAINER, familyId, hash(presented)))
        .compose(both -> {
          Document family = both.resultAt(0);
          Document token = both.resultAt(1);
          if (family == null || token == null || !family.body().getString("userId", "").equals(expectedUserId)) {
            return Future.succeededFuture();
          }
          return revokeFamily(familyId);
        });
  }

  private Future<Void> revokeFamily(String familyId) {
    return store.read(CONTAINER, familyId, FAMILY).compose(family -> {
      if (family == null) return Future.<Void>succeededFuture();
      // Unconditional: revocation must win over any concurrent rotation.
      return store.upsert(CONTAINER, family.withBody(family.body().copy().put("revoked", true))
          .withTtl(config.refreshTokenTtlSeconds())).mapEmpty();
    });
  }

  private String successorOf(String presented, String parentHash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(successorKey, "HmacSHA256"));
      byte[] secret = mac.doFinal(parentHash.getBytes(StandardCharsets.UTF_8));
      return familyOf(presented) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String familyOf(String token) {
    if (token == null || token.length() > 200) return null;
    int dot = token.indexOf('.');
    if (dot != 36) return null;
    String family = token.substring(0, dot);
    try {
      return UUID.fromString(family).toString().equals(family) ? family : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) md.update(p);
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BourseException invalid() {
    return new BourseException(ErrorCode.AUTH_REFRESH_INVALID);
  }
}

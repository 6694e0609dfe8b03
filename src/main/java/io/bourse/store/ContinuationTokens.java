package io.bourse.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, signed continuation tokens. Clients hand them back through the REST cursor, so a token is signed with a
 * store-wide secret (a forged or edited one fails with INVALID_QUERY instead of steering the query), and it carries a
 * fingerprint of the query it belongs to (a token replayed on a different query fails the same way).
 */
public final class ContinuationTokens {
  private static final String ALGORITHM = "HmacSHA256";
  private static final int SIGNATURE_BYTES = 16;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  public ContinuationTokens(byte[] secret) {
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
  }

  public String encode(Query query, JsonObject state) {
    byte[] payload = new JsonObject().put("q", fingerprint(query)).put("s", state).encode()
        .getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(sign(payload));
  }

  /** Returns the state stored by {@link #encode}; any token not made by this store for this query is refused. */
  public JsonObject decode(Query query, String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) throw tampered();
    try {
      byte[] payload = DECODER.decode(token.substring(0, dot));
      byte[] signature = DECODER.decode(token.substring(dot + 1));
      if (!MessageDigest.isEqual(signature, sign(payload))) throw tampered();
      JsonObject decoded = new JsonObject(new String(payload, StandardCharsets.UTF_8));
      if (!fingerprint(query).equals(decoded.getString("q"))) {
        throw StoreRules.invalidQuery("continuation token belongs to a different query");
      }
      JsonObject state = decoded.getJsonObject("s");
      if (state == null) throw tampered();
      return state;
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw tampered();
    }
  }

  private static StoreException tampered() {
    return StoreRules.invalidQuery("continuation token is not valid");
  }

  private byte[] sign(byte[] payload) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return Arrays.copyOf(mac.doFinal(payload), SIGNATURE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JRE", e);
    }
  }

  private static String fingerprint(Query query) {
    String shape = query.partitionKey() + '\u0000' + query.filters() + '\u0000' + query.orderBy() + '\u0000'
        + query.descending();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.getBytes(StandardCharsets.UTF_8));
      return ENCODER.encodeToString(Arrays.copyOf(digest, 12));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required by every JRE", e);
    }
  }
}

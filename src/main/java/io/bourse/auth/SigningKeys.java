package io.bourse.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RS256 key pair that signs access tokens: loaded from configured PEM files, or generated once into
 * {@code <dataDir>/keys/} (private key 0600) and reused on every later start so issued tokens stay valid across
 * restarts. The {@code kid} is derived from the public key, so it changes exactly when the key does.
 * All methods here do file IO and are called from a worker thread.
 */
public record SigningKeys(String kid, String privatePem, String publicPem, PrivateKey privateKey,
                          RSAPublicKey publicKey) {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  public static final String PRIVATE_FILE = "jwt-private.pem";
  public static final String PUBLIC_FILE = "jwt-public.pem";

  public static SigningKeys loadOrGenerate(Path dataDir, AuthConfig config) throws IOException,
      GeneralSecurityException {
    if (!config.privateKeyPem().isEmpty()) {
      return fromPem(Files.readString(Path.of(config.privateKeyPem())), Files.readString(Path.of(config.publicKeyPem())));
    }
    Path dir = dataDir.resolve("keys");
    Path privateFile = dir.resolve(PRIVATE_FILE);
    Path publicFile = dir.resolve(PUBLIC_FILE);
    if (Files.exists(privateFile) && Files.exists(publicFile)) {
      return fromPem(Files.readString(privateFile), Files.readString(publicFile));
    }
    Files.createDirectories(dir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    writeOwnerOnly(privateFile, privatePem);
    Files.writeString(publicFile, publicPem);
    SigningKeys keys = fromPem(privatePem, publicPem);
    log.info("Generated a new token signing key kid={} in {}", keys.kid(), dir);
    return keys;
  }

  static SigningKeys fromPem(String privatePem, String publicPem) throws GeneralSecurityException {
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(der(privatePem, "PRIVATE KEY")));
    RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der(publicPem, "PUBLIC KEY")));
    if (publicKey.getModulus().bitLength() < 2048) {
      throw new GeneralSecurityException("RSA signing keys must be at least 2048 bits");
    }
    byte[] thumb = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
    String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(thumb).substring(0, 16);
    return new SigningKeys(kid, privatePem, publicPem, privateKey, publicKey);
  }

  /** The public half as a JWK Set, for {@code /.well-known/jwks.json}. */
  public JsonObject jwks() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    JsonObject jwk = new JsonObject()
        .put("kty", "RSA")
        .put("use", "sig")
        .put("alg", "RS256")
        .put("kid", kid)
        .put("n", b64.encodeToString(unsigned(publicKey.getModulus().toByteArray())))
        .put("e", b64.encodeToString(unsigned(publicKey.getPublicExponent().toByteArray())));
    return new JsonObject().put("keys", new JsonArray().add(jwk));
  }

  /** Creates the file with 0600 from the start, so the secret is never readable by others even briefly. */
  public static void writeOwnerOnly(Path file, String content) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static byte[] unsigned(byte[] bytes) {
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] out = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, out, 0, out.length);
      return out;
    }
    return bytes;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] der(String pem, String type) throws GeneralSecurityException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) throw new GeneralSecurityException("expected a PEM block of type " + type);
    return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
  }

  @Override
  public String toString() {
    return "SigningKeys[kid=" + kid + "]";
  }
}

package io.bourse.auth;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code auth} section, parsed once. The admin password is a secret and stays out of {@link #toString()}.
 *
 * @param privateKeyPem  PEM file of the RS256 signing key (PKCS#8); empty = generated into {@code <dataDir>/keys/}
 * @param publicKeyPem   PEM file of the matching public key (X.509 SubjectPublicKeyInfo); required with privateKeyPem
 * @param hashWorkers    size of the dedicated Argon2id worker pool: bounds the CPU a login flood can take
 */
public record AuthConfig(String adminEmail, String adminPassword, String bootstrapTenant, String issuer,
                         String audience, int accessTokenTtlSeconds, int refreshTokenTtlSeconds,
                         int refreshGraceSeconds, int clockLeewaySeconds, String privateKeyPem, String publicKeyPem,
                         int hashWorkers, int verifiedTokenCacheSize) {

  private static final Set<String> KEYS = Set.of("adminEmail", "adminPassword", "bootstrapTenant", "issuer",
      "audience", "accessTokenTtlSeconds", "refreshTokenTtlSeconds", "refreshGraceSeconds", "clockLeewaySeconds",
      "privateKeyPem", "publicKeyPem", "hashWorkers", "verifiedTokenCacheSize");

  public static AuthConfig from(JsonObject section, ConfigProblems problems) {
    JsonObject s = section == null ? new JsonObject() : section;
    String p = "auth.";
    for (String key : new TreeSet<>(s.fieldNames())) {
      if (!KEYS.contains(key)) problems.add(p + key, "unknown key (known: " + new TreeSet<>(KEYS) + ")");
    }
    String email = problems.stringIn(s, p, "adminEmail", "admin@bourse.local").trim().toLowerCase();
    if (!Users.validEmail(email)) problems.add(p + "adminEmail", "must be an email address");
    String password = problems.stringIn(s, p, "adminPassword", "");
    if (!password.isEmpty() && password.length() < Users.MIN_PASSWORD_LENGTH) {
      // Do not echo the value: it is a secret.
      problems.add(p + "adminPassword", "must be at least " + Users.MIN_PASSWORD_LENGTH
          + " characters (or empty to generate one)");
    }
    String tenant = problems.stringIn(s, p, "bootstrapTenant", "system").trim();
    if (!tenant.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      problems.add(p + "bootstrapTenant", "must be lowercase letters, digits and '-', got '" + tenant + "'");
    }
    String issuer = problems.stringIn(s, p, "issuer", "bourse").trim();
    if (issuer.isEmpty()) problems.add(p + "issuer", "must not be empty");
    String audience = problems.stringIn(s, p, "audience", "bourse-api").trim();
    if (audience.isEmpty()) problems.add(p + "audience", "must not be empty");
    int accessTtl = problems.intIn(s, p, "accessTokenTtlSeconds", 900, 30, 3600);
    int refreshTtl = problems.intIn(s, p, "refreshTokenTtlSeconds", 1_209_600, 300, 7_776_000);
    int grace = problems.intIn(s, p, "refreshGraceSeconds", 10, 0, 10);
    int leeway = problems.intIn(s, p, "clockLeewaySeconds", 30, 0, 60);
    String privatePem = problems.stringIn(s, p, "privateKeyPem", "").trim();
    String publicPem = problems.stringIn(s, p, "publicKeyPem", "").trim();
    if (privatePem.isEmpty() != publicPem.isEmpty()) {
      problems.add(p + "privateKeyPem", "privateKeyPem and publicKeyPem must be set together (or both empty)");
    }
    int workers = problems.intIn(s, p, "hashWorkers", 2, 1, 16);
    int cacheSize = problems.intIn(s, p, "verifiedTokenCacheSize", 10_000, 0, 1_000_000);
    return new AuthConfig(email, password, tenant, issuer, audience, accessTtl, refreshTtl, grace, leeway, privatePem,
        publicPem, workers, cacheSize);
  }

  @Override
  public String toString() {
    return "AuthConfig[adminEmail=" + adminEmail + ", adminPassword=" + (adminPassword.isEmpty() ? "<generate>"
        : "<redacted>") + ", bootstrapTenant=" + bootstrapTenant + ", issuer=" + issuer + ", audience=" + audience
        + ", accessTokenTtlSeconds=" + accessTokenTtlSeconds + ", refreshTokenTtlSeconds=" + refreshTokenTtlSeconds
        + ", refreshGraceSeconds=" + refreshGraceSeconds + ", clockLeewaySeconds=" + clockLeewaySeconds
        + ", keys=" + (privateKeyPem.isEmpty() ? "generated" : "pem") + ", hashWorkers=" + hashWorkers + "]";
  }
}

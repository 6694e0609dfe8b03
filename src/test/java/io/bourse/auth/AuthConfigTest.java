package io.bourse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.BourseConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuthConfigTest {

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(new JsonObject().put("auth", new JsonObject().put("adminEmail", "not-an-email")),
            "auth.adminEmail: must be an email address"),
        Arguments.of(new JsonObject().put("auth", new JsonObject().put("adminPassword", "short")),
            "auth.adminPassword: must be at least 12 characters"),
        Arguments.of(new JsonObject().put("auth", new JsonObject().put("accessTokenTtlSeconds", 86_400)),
            "auth.accessTokenTtlSeconds: must be between 30 and 3600"),
        Arguments.of(new JsonObject().put("auth", new JsonObject().put("refreshGraceSeconds", 60)),
            "auth.refreshGraceSeconds: must be between 0 and 10"),
        Arguments.of(new JsonObject().put("auth", new JsonObject().put("privateKeyPem", "/keys/p.pem")),
            "auth.privateKeyPem: privateKeyPem and publicKeyPem must be set together"),
        Arguments.of(new JsonObject().put("auth", new JsonObject().put("hashWorkers", 0)),
            "auth.hashWorkers: must be between 1 and 16"),
        Arguments.of(new JsonObject().put("auth", new JsonObject().put("issuers", "x")), "auth.issuers: unknown key"),
        Arguments.of(new JsonObject().put("rateLimit", new JsonObject().put("login",
            new JsonObject().put("limit", 0))), "rateLimit.login.limit: must be between 1 and"),
        Arguments.of(new JsonObject().put("rateLimit", new JsonObject().put("perUser", 5)),
            "rateLimit.perUser: must be an object"),
        Arguments.of(new JsonObject().put("rateLimit", new JsonObject().put("perTenant", new JsonObject())),
            "rateLimit.perTenant: unknown key"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void eachBadKeyIsReportedWithItsName(JsonObject override, String expected) throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/application.json"))).mergeIn(override, true);
    BourseConfig.Parsed parsed = BourseConfig.parse(json);
    assertThat(parsed.problems().all()).anySatisfy(p -> assertThat(p).startsWith(expected));
  }

  @Test
  void secretsNeverAppearInProblemsOrToString() throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/application.json")))
        .mergeIn(new JsonObject().put("auth", new JsonObject().put("adminPassword", "s3cret-pw")), true);
    BourseConfig.Parsed parsed = BourseConfig.parse(json);
    assertThat(String.join("\n", parsed.problems().all())).doesNotContain("s3cret-pw");
    assertThat(parsed.config().auth().toString()).doesNotContain("s3cret-pw");
    assertThat(parsed.config().toString()).doesNotContain("s3cret-pw");
  }
}

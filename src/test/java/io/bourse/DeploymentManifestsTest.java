package io.bourse;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.config.EnvOverrides;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine or cluster exists where tests run, so the manifests are checked for what would break a
 * deployment: probes on the real endpoints, env var names the service reads, secrets never inline, a graceful
 * shutdown window longer than the drain.
 */
class DeploymentManifestsTest {
  private static final Set<String> KNOWN_ENV = EnvOverrides.MAPPINGS.stream().map(EnvOverrides.Mapping::env)
      .collect(Collectors.toSet());

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String path) throws Exception {
    return (Map<String, Object>) new Yaml().load(Files.readString(Path.of(path)));
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      current = current instanceof List<?> list ? list.get(Integer.parseInt(key)) : ((Map<String, Object>) current).get(key);
    }
    return (T) current;
  }

  @Test
  void deploymentProbesTheRealHealthEndpointsAndDrainsGracefully() throws Exception {
    Map<String, Object> deployment = yaml("k8s/deployment.yml");
    assertThat(deployment.get("kind")).isEqualTo("Deployment");
    Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", "0");
    assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
    assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
    assertThat((Integer) at(container, "ports", "0", "containerPort")).isEqualTo(8080);
    int grace = at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds");
    int drain = new io.vertx.core.json.JsonObject(Files.readString(Path.of("conf/application.json")))
        .getJsonObject("http").getInteger("shutdownGraceSeconds");
    assertThat(grace).isGreaterThan(drain + 5);
    assertThat((Boolean) at(container, "securityContext", "allowPrivilegeEscalation")).isFalse();
  }

  @Test
  void everyEnvironmentVariableIsOneTheServiceReadsAndSecretsComeFromSecrets() throws Exception {
    Map<String, Object> container = at(yaml("k8s/deployment.yml"), "spec", "template", "spec", "containers", "0");
    List<Map<String, Object>> env = at(container, "env");
    List<String> names = new ArrayList<>();
    for (Map<String, Object> var : env) {
      String name = (String) var.get("name");
      names.add(name);
      assertThat(var).as("%s must not be inline", name).doesNotContainKey("value");
    }
    Map<String, Object> configMap = yaml("k8s/configmap.yml");
    Map<String, Object> data = at(configMap, "data");
    names.addAll(data.keySet());
    assertThat(names).allSatisfy(n -> assertThat(KNOWN_ENV).as("env var %s", n).contains(n));
    Set<String> secrets = EnvOverrides.MAPPINGS.stream().filter(EnvOverrides.Mapping::secret)
        .map(EnvOverrides.Mapping::env).collect(Collectors.toSet());
    assertThat(data.keySet()).doesNotContainAnyElementsOf(secrets);
  }

  @Test
  void serviceAndDisruptionBudgetSelectTheDeploymentsPods() throws Exception {
    Map<String, Object> labels = at(yaml("k8s/deployment.yml"), "spec", "template", "metadata", "labels");
    Map<String, Object> serviceSelector = at(yaml("k8s/service.yml"), "spec", "selector");
    Map<String, Object> pdbSelector = at(yaml("k8s/pdb.yml"), "spec", "selector", "matchLabels");
    assertThat(labels).containsAllEntriesOf(serviceSelector).containsAllEntriesOf(pdbSelector);
  }

  @Test
  void dockerfileRunsTheFatJarAsNonRootWithExecFormAndHealthcheck() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("docker/Dockerfile"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("USER bourse"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ENTRYPOINT [\"java\", \"-jar\""));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("/health/live"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("target/bourse.jar"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("EXPOSE 8080"));
    Map<String, Object> compose = yaml("docker/compose.yml");
    assertThat((String) at(compose, "services", "bourse", "build", "dockerfile")).isEqualTo("docker/Dockerfile");
  }

  @Test
  void readmeDocumentsEveryErrorCodeAndEnvironmentVariable() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (io.bourse.common.ErrorCode code : io.bourse.common.ErrorCode.values()) {
      assertThat(readme).contains("| `" + code.code() + "` | " + code.httpStatus() + " |");
    }
    for (EnvOverrides.Mapping mapping : EnvOverrides.MAPPINGS) {
      assertThat(readme).contains("`" + mapping.key() + "`").contains(mapping.env());
    }
  }
}

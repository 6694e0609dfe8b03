package io.bourse.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Loads configuration with vertx-config, later stores overriding earlier ones:
 * <ol>
 *   <li>{@code conf/application.json}: from the working directory if present, else the copy bundled in the jar;</li>
 *   <li>an optional override file named by {@code --config FILE} or {@code BOURSE_CONFIG};</li>
 *   <li>the {@code BOURSE_*} environment variables of {@link EnvOverrides}.</li>
 * </ol>
 */
public final class ConfigLoader {
  public static final String DEFAULT_PATH = "conf/application.json";

  private ConfigLoader() {}

  public static Future<JsonObject> load(Vertx vertx, String overridePath, Map<String, String> env) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setScanPeriod(-1)
        // Vert.x resolves a relative path against the working directory first, then the classpath.
        .addStore(fileStore(DEFAULT_PATH, false));
    String override = overridePath != null ? overridePath : env.get("BOURSE_CONFIG");
    if (override != null && !override.isBlank()) {
      options.addStore(fileStore(override, false));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(EnvOverrides.from(env)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().eventually(() -> {
      retriever.close();
      return Future.succeededFuture();
    });
  }

  private static ConfigStoreOptions fileStore(String path, boolean optional) {
    return new ConfigStoreOptions().setType("file").setFormat("json").setOptional(optional)
        .setConfig(new JsonObject().put("path", path));
  }
}

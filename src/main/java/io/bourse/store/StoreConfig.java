package io.bourse.store;

import io.bourse.config.ConfigProblems;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code store} section, parsed once. Every problem is reported with its full key; the Cosmos key is a secret and
 * is kept out of {@link #toString()} (records print every component otherwise).
 */
public record StoreConfig(Kind kind, int maxDocumentBytes, Embedded embedded, Cosmos cosmos) {

  public enum Kind { EMBEDDED, COSMOS }

  /** Where the SQLite file lives and how hard each commit is pushed to disk (see SqliteDocumentStore). */
  public record Embedded(Path file, Synchronous synchronous, int readPoolSize) {}

  public enum Synchronous { NORMAL, FULL }

  public enum ConnectionMode { GATEWAY, DIRECT }

  public record Cosmos(String endpoint, String key, String database, ConnectionMode connectionMode,
                       boolean createIfMissing, int maxRetryAttemptsOnThrottled, int maxRetryWaitSeconds,
                       int requestTimeoutMs, int slowCallThresholdMs) {
    @Override
    public String toString() {
      return "Cosmos[endpoint=" + endpoint + ", key=" + (key == null || key.isEmpty() ? "<unset>" : "<redacted>")
          + ", database=" + database + ", connectionMode=" + connectionMode + ", createIfMissing=" + createIfMissing
          + ", maxRetryAttemptsOnThrottled=" + maxRetryAttemptsOnThrottled + ", maxRetryWaitSeconds="
          + maxRetryWaitSeconds + ", requestTimeoutMs=" + requestTimeoutMs + ", slowCallThresholdMs="
          + slowCallThresholdMs + "]";
    }
  }

  public static final int DEFAULT_MAX_DOCUMENT_BYTES = 1_048_576;

  public static StoreConfig from(JsonObject storeSection, String dataDir, ConfigProblems problems) {
    JsonObject section = storeSection == null ? new JsonObject() : storeSection;
    String p = "store.";
    Kind kind = Kind.valueOf(problems.oneOf(section, p, "kind", "embedded", Set.of("embedded", "cosmos"))
        .toUpperCase());
    // Cosmos caps an item at 2 MB; a larger limit would pass here and fail only in production.
    int maxDocumentBytes = problems.intIn(section, p, "maxDocumentBytes", DEFAULT_MAX_DOCUMENT_BYTES, 1024, 2_000_000);

    JsonObject e = problems.section(section, p, "embedded");
    String ep = p + "embedded.";
    Synchronous synchronous = Synchronous.valueOf(
        problems.oneOf(e, ep, "synchronous", "NORMAL", Set.of("NORMAL", "FULL")));
    int readPoolSize = problems.intIn(e, ep, "readPoolSize", 4, 1, 64);
    Path file = Path.of(dataDir == null || dataDir.isBlank() ? "./data" : dataDir).resolve("store.db");

    JsonObject c = problems.section(section, p, "cosmos");
    String cp = p + "cosmos.";
    String endpoint = problems.stringIn(c, cp, "endpoint", "").trim();
    String key = problems.stringIn(c, cp, "key", "").trim();
    String database = problems.stringIn(c, cp, "database", "bourse").trim();
    ConnectionMode mode = ConnectionMode.valueOf(
        problems.oneOf(c, cp, "connectionMode", "gateway", Set.of("gateway", "direct")).toUpperCase());
    boolean createIfMissing = problems.boolIn(c, cp, "createIfMissing", true);
    int maxRetries = problems.intIn(c, cp, "maxRetryAttemptsOnThrottled", 9, 0, 100);
    int maxRetryWait = problems.intIn(c, cp, "maxRetryWaitSeconds", 30, 0, 600);
    int requestTimeoutMs = problems.intIn(c, cp, "requestTimeoutMs", 5000, 100, 120_000);
    int slowCallMs = problems.intIn(c, cp, "slowCallThresholdMs", 200, 1, 60_000);
    if (kind == Kind.COSMOS) {
      if (endpoint.isEmpty()) {
        problems.add(cp + "endpoint", "is required when store.kind is cosmos (env BOURSE_COSMOS_ENDPOINT)");
      } else if (!endpoint.startsWith("https://") && !endpoint.startsWith("http://")) {
        problems.add(cp + "endpoint", "must be an http(s) URL, got '" + endpoint + "'");
      }
      if (key.isEmpty()) {
        problems.add(cp + "key", "is required when store.kind is cosmos (env BOURSE_COSMOS_KEY)");
      }
      if (database.isEmpty()) {
        problems.add(cp + "database", "must not be empty");
      }
    }
    return new StoreConfig(kind, maxDocumentBytes, new Embedded(file, synchronous, readPoolSize),
        new Cosmos(endpoint, key, database, mode, createIfMissing, maxRetries, maxRetryWait, requestTimeoutMs,
            slowCallMs));
  }
}

package io.bourse.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The HTTP server section ({@code http.*}). */
public record HttpConfig(String host, int port, int maxBodyBytes, List<String> corsAllowedOrigins, long slowRequestMs,
                         int slowRequestLinesPerSecond, int shutdownGraceSeconds, long requestTimeoutMs) {

  static HttpConfig from(JsonObject section, ConfigProblems problems) {
    String p = "http.";
    String host = problems.stringIn(section, p, "host", "0.0.0.0");
    if (host == null || host.isBlank()) {
      problems.add(p + "host", "must not be empty");
    }
    // 0 lets the OS pick a free port (tests, side-by-side instances); the actual port is logged at start.
    int port = problems.intIn(section, p, "port", 8080, 0, 65535);
    int maxBody = problems.intIn(section, p, "maxBodyBytes", 65536, 1024, 16 * 1024 * 1024);
    long slow = problems.longIn(section, p, "slowRequestMs", 500, 1, 600_000);
    int slowLines = problems.intIn(section, p, "slowRequestLinesPerSecond", 5, 1, 100_000);
    int grace = problems.intIn(section, p, "shutdownGraceSeconds", 10, 0, 300);
    long requestTimeout = problems.longIn(section, p, "requestTimeoutMs", 30_000, 100, 600_000);
    List<String> origins = new ArrayList<>();
    Object raw = section.getValue("corsAllowedOrigins");
    if (raw instanceof JsonArray array) {
      for (Object o : array) {
        if (o instanceof String s && (s.equals("*") || s.matches("https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?"))) {
          origins.add(s);
        } else {
          problems.add(p + "corsAllowedOrigins", "'" + o + "' is not an origin like https://app.example.com or *");
        }
      }
    } else if (raw != null) {
      problems.add(p + "corsAllowedOrigins", "must be a list of origins");
    }
    return new HttpConfig(host, port, maxBody, List.copyOf(origins), slow, slowLines, grace, requestTimeout);
  }
}

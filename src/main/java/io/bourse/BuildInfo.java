package io.bourse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts fixed at build time (filtered from the pom into bourse-build.properties). */
public record BuildInfo(String version, String swaggerUiVersion) {
  public static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/bourse-build.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(p.getProperty("version", "dev"), p.getProperty("swaggerUiVersion", ""));
  }
}

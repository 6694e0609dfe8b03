package io.bourse.support;

import java.io.File;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What to do when a real component a test needs is not installed: skip with a message saying what to install, except
 * in CI ({@code CI=true}), where a missing component is a failure, never a silent skip.
 */
public final class Components {
  private Components() {}

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public static void require(boolean present, String whatToInstall) {
    if (present) return;
    String message = "Missing test component: " + whatToInstall;
    if (inCi()) {
      Assertions.fail(message);
    }
    Assumptions.abort(message);
  }

  /** The absolute path of an executable on the PATH, or null. */
  public static String onPath(String executable) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, executable);
      if (f.canExecute()) return f.getAbsolutePath();
    }
    return null;
  }
}

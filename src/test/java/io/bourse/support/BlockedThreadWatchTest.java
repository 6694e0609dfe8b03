package io.bourse.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Proves the watch sees a blocked event loop, so the "no warnings" assertions elsewhere mean something. */
class BlockedThreadWatchTest {

  @Test
  void reportsAnEventLoopBlockedLongerThanTheLimit() throws Exception {
    try (BlockedThreadWatch watch = new BlockedThreadWatch()) {
      watch.vertx().runOnContext(v -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BlockedThreadWatch.MAX_EVENT_LOOP_MS * 4);
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      });
      long deadline = System.currentTimeMillis() + 5_000;
      while (watch.blockedWarnings().isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(watch.blockedWarnings()).isNotEmpty();
    }
  }
}

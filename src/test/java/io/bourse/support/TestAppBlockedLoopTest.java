package io.bourse.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The guard every full-service test relies on can actually fail. */
class TestAppBlockedLoopTest {

  @Test
  @SuppressWarnings("java:S2925") // blocking an event loop on purpose is the point of this test
  void blockingAnEventLoopFailsTheTest() throws Exception {
    TestApp app = TestApp.start(new JsonObject());
    app.vertx.runOnContext(v -> {
      try {
        Thread.sleep(600);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Thread.sleep(900);
    assertThatThrownBy(app::close).isInstanceOf(AssertionError.class).hasMessageContaining("has been blocked for");
  }
}

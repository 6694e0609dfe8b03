package io.bourse.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class CosmosServerFixtureTest {

  @Test
  void aMissingToolSkipsLocallyAndFailsUnderCi() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    assertThatThrownBy(() -> CosmosServerFixture.requireTool("bourse-no-such-tool"))
        .isInstanceOf(ci ? AssertionFailedError.class : TestAbortedException.class)
        .hasMessageContaining("bourse-no-such-tool").hasMessageContaining("install");
  }
}

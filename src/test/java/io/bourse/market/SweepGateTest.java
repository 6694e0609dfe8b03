package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.market.source.SourceHealth;
import org.junit.jupiter.api.Test;

class SweepGateTest {
  static final long S = 1_000_000_000L;
  final SweepGate gate = new SweepGate(5 * S);

  @Test
  void aConnectedCaughtUpSourceNeverHoldsTheSweepEvenWhenTheTopicIsQuiet() {
    assertThat(gate.mayRun(new SourceHealth(true, 0, 0), 100 * S, 0)).isTrue();
    assertThat(gate.held()).isFalse();
    assertThat(gate.holds()).isZero();
  }

  @Test
  void aDisconnectedSourceHoldsAtOnceAndReleasesOnlyAfterBeingCaughtUpForTheGrace() {
    assertThat(gate.mayRun(new SourceHealth(false, SourceHealth.UNKNOWN, 10 * S), 10 * S + 1, 1_000)).isFalse();
    assertThat(gate.held()).isTrue();
    assertThat(gate.reason()).isEqualTo("source disconnected");
    assertThat(gate.heldSinceMillis()).isEqualTo(1_000);
    // Back, delivering the backlog: connected but behind.
    assertThat(gate.mayRun(new SourceHealth(true, 500, 20 * S), 20 * S, 2_000)).isFalse();
    assertThat(gate.reason()).isEqualTo("source connected, catching up");
    // Caught up: still held for one grace period, then released.
    assertThat(gate.mayRun(new SourceHealth(true, 0, 21 * S), 21 * S, 3_000)).isFalse();
    assertThat(gate.mayRun(new SourceHealth(true, 0, 21 * S), 25 * S, 4_000)).isFalse();
    // A relapse inside the settling period starts it again.
    assertThat(gate.mayRun(new SourceHealth(true, 3, 25 * S), 25 * S + 1, 4_000)).isFalse();
    assertThat(gate.mayRun(new SourceHealth(true, 0, 26 * S), 26 * S, 4_000)).isFalse();
    assertThat(gate.mayRun(new SourceHealth(true, 0, 26 * S), 30 * S, 4_000)).isFalse();
    assertThat(gate.mayRun(new SourceHealth(true, 0, 26 * S), 31 * S, 4_000)).isTrue();
    assertThat(gate.held()).isFalse();
    assertThat(gate.holds()).isEqualTo(1);
  }

  @Test
  void silenceHoldsOnlyWhileTheLagIsUnknownOrPositive() {
    // Delivered recently with unknown lag: not held yet.
    assertThat(gate.mayRun(new SourceHealth(true, SourceHealth.UNKNOWN, 10 * S), 12 * S, 0)).isTrue();
    // Silent past the grace, lag unknown (no fresh fetch): held.
    assertThat(gate.mayRun(new SourceHealth(true, SourceHealth.UNKNOWN, 10 * S), 16 * S, 0)).isFalse();
    assertThat(gate.reason()).isEqualTo("source silent, lag unknown");
    assertThat(gate.mayRun(new SourceHealth(true, 7, 10 * S), 17 * S, 0)).isFalse();
    assertThat(gate.reason()).isEqualTo("source silent with lag 7");
  }

  @Test
  void aSourceThatNeverDeliveredIsHeldUntilItShowsItIsCaughtUp() {
    assertThat(gate.mayRun(new SourceHealth(true, SourceHealth.UNKNOWN, Long.MIN_VALUE), S, 0)).isFalse();
    assertThat(gate.mayRun(new SourceHealth(true, 0, Long.MIN_VALUE), 2 * S, 0)).isFalse();
    assertThat(gate.mayRun(new SourceHealth(true, 0, Long.MIN_VALUE), 7 * S, 0)).isTrue();
  }

  @Test
  void localSourcesNeverHold() {
    assertThat(gate.mayRun(SourceHealth.local(50 * S), 50 * S, 0)).isTrue();
  }
}

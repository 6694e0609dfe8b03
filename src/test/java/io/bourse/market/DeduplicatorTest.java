package io.bourse.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeduplicatorTest {
  @Test
  void repeatsAreDroppedPerSymbol() {
    Deduplicator d = new Deduplicator(64);
    assertThat(d.firstSeen("A", 1)).isTrue();
    assertThat(d.firstSeen("A", 2)).isTrue();
    assertThat(d.firstSeen("A", 1)).isFalse();
    assertThat(d.firstSeen("A", 2)).isFalse();
    assertThat(d.firstSeen("B", 1)).as("same sequence, other symbol").isTrue();
    assertThat(d.duplicates()).isEqualTo(2);
    assertThat(d.highWaterMark("A")).isEqualTo(2);
  }

  @Test
  void outOfOrderWithinTheWindowIsAcceptedOnce() {
    Deduplicator d = new Deduplicator(64);
    assertThat(d.firstSeen("A", 10)).isTrue();
    assertThat(d.firstSeen("A", 7)).isTrue();
    assertThat(d.firstSeen("A", 7)).isFalse();
    assertThat(d.firstSeen("A", 9)).isTrue();
    assertThat(d.firstSeen("A", 12)).isTrue();
    assertThat(d.firstSeen("A", 11)).as("gap filled after the mark moved").isTrue();
    assertThat(d.firstSeen("A", 10)).isFalse();
  }

  @Test
  void windowSlotsAreClearedWhenTheMarkAdvances() {
    Deduplicator d = new Deduplicator(64);
    assertThat(d.firstSeen("A", 5)).isTrue();
    // 69 maps to the same bit as 5 (69 mod 64); 68 must not inherit stale bits either.
    assertThat(d.firstSeen("A", 69)).isTrue();
    assertThat(d.firstSeen("A", 68)).isTrue();
    assertThat(d.firstSeen("A", 69)).isFalse();
    // a jump larger than the window resets everything
    assertThat(d.firstSeen("A", 1_000)).isTrue();
    assertThat(d.firstSeen("A", 999)).isTrue();
  }

  @Test
  void olderThanTheWindowCountsAsDuplicate() {
    Deduplicator d = new Deduplicator(64);
    for (int s = 0; s < 200; s++) assertThat(d.firstSeen("A", s)).isTrue();
    assertThat(d.firstSeen("A", 199 - 64)).isFalse();
    assertThat(d.firstSeen("A", 199 - 63)).isFalse(); // inside the window, already seen
  }

  @Test
  void windowMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new Deduplicator(100)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void seedingMarksEverythingUpToTheMarkAsSeen() {
    Deduplicator d = new Deduplicator(64);
    d.seed("A", 100);
    assertThat(d.firstSeen("A", 100)).isFalse();
    assertThat(d.firstSeen("A", 60)).isFalse();
    assertThat(d.firstSeen("A", 101)).isTrue();
    d.seed("A", 50);
    assertThat(d.highWaterMark("A")).as("a lower seed never lowers the mark").isEqualTo(101);
  }
}

package io.bourse.market;

import static io.bourse.market.Deduplicator.Verdict.DUPLICATE;
import static io.bourse.market.Deduplicator.Verdict.GAP;
import static io.bourse.market.Deduplicator.Verdict.NEW;
import static io.bourse.market.Deduplicator.Verdict.RESET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeduplicatorTest {
  /** Exchange times that rise with the sequence, as a well-behaved feed's do (ms). */
  static boolean first(Deduplicator d, String symbol, long seq) {
    return d.check(symbol, seq, 1_000_000 + seq) != DUPLICATE;
  }

  @Test
  void repeatsAreDroppedPerSymbol() {
    Deduplicator d = new Deduplicator(64);
    assertThat(first(d, "A", 1)).isTrue();
    assertThat(first(d, "A", 2)).isTrue();
    assertThat(first(d, "A", 1)).isFalse();
    assertThat(first(d, "A", 2)).isFalse();
    assertThat(first(d, "B", 1)).as("same sequence, other symbol").isTrue();
    assertThat(d.duplicates()).isEqualTo(2);
    assertThat(d.highWaterMark("A")).isEqualTo(2);
  }

  @Test
  void outOfOrderWithinTheWindowIsAcceptedOnce() {
    Deduplicator d = new Deduplicator(64);
    assertThat(first(d, "A", 10)).isTrue();
    assertThat(first(d, "A", 7)).isTrue();
    assertThat(first(d, "A", 7)).isFalse();
    assertThat(first(d, "A", 9)).isTrue();
    assertThat(first(d, "A", 12)).isTrue();
    assertThat(first(d, "A", 11)).as("gap filled after the mark moved").isTrue();
    assertThat(first(d, "A", 10)).isFalse();
  }

  @Test
  void windowSlotsAreClearedWhenTheMarkAdvances() {
    Deduplicator d = new Deduplicator(64);
    assertThat(first(d, "A", 5)).isTrue();
    // 69 maps to the same bit as 5 (69 mod 64); 68 must not inherit stale bits either.
    assertThat(first(d, "A", 69)).isTrue();
    assertThat(first(d, "A", 68)).isTrue();
    assertThat(first(d, "A", 69)).isFalse();
    // a jump larger than the window resets everything
    assertThat(first(d, "A", 1_000)).isTrue();
    assertThat(first(d, "A", 999)).isTrue();
  }

  @Test
  void olderThanTheWindowCountsAsDuplicate() {
    Deduplicator d = new Deduplicator(64);
    for (int s = 0; s < 200; s++) assertThat(first(d, "A", s)).isTrue();
    assertThat(first(d, "A", 199 - 64)).isFalse();
    assertThat(first(d, "A", 199 - 63)).isFalse(); // inside the window, already seen
  }

  @Test
  void windowMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new Deduplicator(100)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void seedingMarksEverythingUpToTheMarkAsSeenExceptTheMissingOnes() {
    Deduplicator d = new Deduplicator(64);
    d.seed("A", new Deduplicator.Mark(100, 1_000_100, Long.MIN_VALUE, 0, new long[] {97}));
    assertThat(first(d, "A", 100)).isFalse();
    assertThat(first(d, "A", 60)).isFalse();
    assertThat(first(d, "A", 97)).as("missing before the restart: still new").isTrue();
    assertThat(first(d, "A", 97)).isFalse();
    assertThat(first(d, "A", 101)).isTrue();
    d.seed("A", Deduplicator.Mark.of(50, 1_000_050));
    assertThat(d.highWaterMark("A")).as("a lower seed never lowers the mark").isEqualTo(101);
  }

  @Test
  void aMarkRoundTripsTheWindowSoARestartDecidesExactlyAsBefore() {
    Deduplicator before = new Deduplicator(64);
    for (long s : new long[] {10, 11, 14, 15, 20}) before.check("A", s, 5_000 + s);
    Deduplicator.Mark mark = before.mark("A");
    assertThat(mark.sequence()).isEqualTo(20);
    assertThat(mark.timeMs()).isEqualTo(5_020);
    // 0..9 were never seen (before the first tick), 12, 13, 16..19 are the gaps.
    assertThat(mark.missing()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 18, 19);

    Deduplicator after = new Deduplicator(64);
    after.seed("A", mark);
    for (long s = 0; s <= 21; s++) {
      Deduplicator.Verdict expected = before.check("A", s, 5_000 + s);
      assertThat(after.check("A", s, 5_000 + s)).as("sequence " + s).isEqualTo(expected);
    }
  }

  @Test
  void gapsAreReportedWithTheirSize() {
    Deduplicator d = new Deduplicator(64);
    assertThat(d.check("A", 1, 1)).isEqualTo(NEW);
    assertThat(d.check("A", 2, 2)).isEqualTo(NEW);
    assertThat(d.check("A", 6, 6)).isEqualTo(GAP);
    assertThat(d.lastGap()).isEqualTo(3);
    assertThat(d.check("A", 4, 4)).as("a late filler is new, not a gap").isEqualTo(NEW);
    assertThat(d.check("A", 500, 7)).isEqualTo(GAP);
    assertThat(d.lastGap()).isEqualTo(493);
  }

  @Test
  void aRestartedFeedWithFreshTimestampsStartsANewEpoch() {
    Deduplicator d = new Deduplicator(64);
    for (long s = 0; s < 500; s++) assertThat(d.check("A", s, 10_000 + s)).isEqualTo(NEW);
    // The upstream restarts at 0 with fresh exchange times: accepted, and the mark moves down to it.
    assertThat(d.check("A", 0, 20_000)).isEqualTo(RESET);
    assertThat(d.resetPreviousSequence()).isEqualTo(499);
    assertThat(d.resetPreviousTime()).isEqualTo(10_499);
    assertThat(d.highWaterMark("A")).isZero();
    assertThat(d.resets("A")).isEqualTo(1);
    for (long s = 1; s < 10; s++) assertThat(d.check("A", s, 20_000 + s)).as("new epoch " + s).isEqualTo(NEW);
    // The new epoch's own repeats are still duplicates.
    assertThat(d.check("A", 5, 20_005)).isEqualTo(DUPLICATE);
  }

  @Test
  void aRedeliveryIsNeverTakenForAReset() {
    Deduplicator d = new Deduplicator(64);
    for (long s = 0; s < 500; s++) d.check("A", s, 10_000 + s);
    // Redelivered: old sequences with their old timestamps, inside and beyond the window, and the mark itself.
    assertThat(d.check("A", 0, 10_000)).isEqualTo(DUPLICATE);
    assertThat(d.check("A", 480, 10_480)).isEqualTo(DUPLICATE);
    assertThat(d.check("A", 499, 10_499)).isEqualTo(DUPLICATE);
    // Timestamps are not unique: a low sequence stamped at the newest time seen is still not newer.
    assertThat(d.check("A", 3, 10_499)).isEqualTo(DUPLICATE);
    // A producer resending the mark with a new stamp is a repeat, not a restart.
    assertThat(d.check("A", 499, 99_999)).isEqualTo(DUPLICATE);
    assertThat(d.resets("A")).isZero();
    assertThat(d.highWaterMark("A")).isEqualTo(499);
  }

  @Test
  void theOldEpochRedeliveredAfterAResetIsDroppedByItsTimestamps() {
    Deduplicator d = new Deduplicator(64);
    for (long s = 0; s < 100; s++) d.check("A", s, 10_000 + s);
    assertThat(d.check("A", 0, 20_000)).isEqualTo(RESET);
    assertThat(d.check("A", 1, 20_001)).isEqualTo(NEW);
    // Kafka redelivers the old epoch: sequences above the new mark, but stamped at or before the old newest time.
    for (long s = 0; s < 100; s++) assertThat(d.check("A", s, 10_000 + s)).as("old " + s).isEqualTo(DUPLICATE);
    assertThat(d.highWaterMark("A")).isEqualTo(1);
    assertThat(d.check("A", 2, 20_002)).isEqualTo(NEW);

    // The floor survives a restart with the mark.
    Deduplicator after = new Deduplicator(64);
    after.seed("A", d.mark("A"));
    assertThat(after.check("A", 50, 10_050)).as("old epoch after a restart").isEqualTo(DUPLICATE);
    assertThat(after.check("A", 2, 20_002)).isEqualTo(DUPLICATE);
    assertThat(after.check("A", 3, 20_003)).isEqualTo(NEW);
    assertThat(after.resets("A")).isEqualTo(1);
  }
}

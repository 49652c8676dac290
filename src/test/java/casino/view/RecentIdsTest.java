package casino.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecentIdsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theCapHoldsWhenAllIdsArriveWithinOneGeneration() {
    RecentIds ids = new RecentIds(Duration.ofHours(1), 10_000);

    for (long id = 1; id <= 30_000; id++) {
      assertTrue(ids.add(id, NOW.plusMillis(id / 100)));   // 300 ms in all: far less than a generation's 10 minutes
      assertTrue(ids.size() <= 10_000, "remembers " + ids.size() + " after id " + id);
    }

    assertTrue(ids.size() > 10_000 - 10_000 / 6 - 1, "forgot more than the oldest sixth: " + ids.size());
    assertTrue(ids.generationsDroppedEarly() > 0);
    for (long id = 30_000; id > 30_000 - 8_000; id--) {
      assertFalse(ids.add(id, NOW.plusSeconds(1)), "the most recent ids are remembered: " + id);
    }
  }

  @Test
  void idsAreRememberedForTheWholeHorizonAndForgottenAfter() {
    RecentIds ids = new RecentIds(Duration.ofHours(1), 1_000_000);
    ids.add(1, NOW);

    assertFalse(ids.add(1, NOW.plus(Duration.ofMinutes(59))));
    for (int minute = 0; minute <= 80; minute++) {
      ids.add(1_000 + minute, NOW.plus(Duration.ofMinutes(minute)));
    }
    assertTrue(ids.add(1, NOW.plus(Duration.ofMinutes(81))), "an id older than horizon plus a generation is forgotten");
    assertEquals(0, ids.generationsDroppedEarly());
  }

  @Test
  void idsOutOfOrderAreFoundInWhicheverGenerationHoldsThem() {
    // Each generation spans a range of ids; ids late, early and from other publishers
    // (anywhere in the long range) fall inside other generations' ranges, or between them.
    RecentIds ids = new RecentIds(Duration.ofHours(1), 1_000_000);
    SplittableRandom random = new SplittableRandom(11);
    HashSet<Long> added = new HashSet<>();
    for (int minute = 0; minute < 55; minute++) {
      Instant at = NOW.plus(Duration.ofMinutes(minute));
      for (int i = 0; i < 200; i++) {
        long id = switch (i % 4) {
          case 0 -> 1_000_000L * minute + i;                           // in order
          case 1 -> 1_000_000L * (55 - minute) + 500_000 + i;          // in reverse order
          case 2 -> 1 + random.nextLong(Long.MAX_VALUE - 1);           // anywhere
          default -> -1 - random.nextLong(Long.MAX_VALUE - 1);         // negative
        };
        assertEquals(added.add(id), ids.add(id, at), "add " + id);
      }
    }

    Instant later = NOW.plus(Duration.ofMinutes(56));
    RecentIds restored = RecentIds.restore(Duration.ofHours(1), 1_000_000, ids.export(), 0);
    for (long id : added) {
      assertFalse(ids.add(id, later), "remembered " + id);
      assertFalse(restored.add(id, later), "remembered after a restore " + id);
    }
    long[] probes = random.longs(20_000).toArray();
    long[] expected = Arrays.stream(probes).filter(id -> !added.contains(id)).toArray();
    assertArrayEquals(expected, restored.unseen(probes));
  }

  @Test
  void theSetOfLongsHoldsWhatASetOfBoxedLongsHolds() {
    RecentIds.LongSet set = new RecentIds.LongSet();
    HashSet<Long> expected = new HashSet<>();
    SplittableRandom random = new SplittableRandom(7);
    // Random ids (every segment grows many times), ids in sequence as the generator makes
    // them, and repeats of both.
    for (int i = 0; i < 600_000; i++) {
      long id = i % 3 == 0 ? 1L << 40 | i : 1 + random.nextLong(Long.MAX_VALUE - 1);
      assertEquals(expected.add(id), set.add(id), "add " + id);
      if (i % 5 == 0) {
        assertFalse(set.add(id), "repeat " + id);
      }
    }

    assertEquals(expected.size(), set.size());
    for (long id : expected) {
      assertTrue(set.contains(id), "contains " + id);
    }
    for (int i = 0; i < 100_000; i++) {
      long id = 1 + random.nextLong(Long.MAX_VALUE - 1);
      assertEquals(expected.contains(id), set.contains(id), "contains " + id);
    }
    long[] all = set.toArray();
    Arrays.sort(all);
    assertArrayEquals(expected.stream().mapToLong(Long::longValue).sorted().toArray(), all);
  }
}

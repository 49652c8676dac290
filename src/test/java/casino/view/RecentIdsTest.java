package casino.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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
    // Ids in order (each generation a narrow range of its own), late ones in reverse order in
    // one generation (its range spans most others'), and, in the last generations, ids from
    // anywhere in the long range (their ranges span everything).
    RecentIds ids = new RecentIds(Duration.ofHours(1), 1_000_000);
    SplittableRandom random = new SplittableRandom(11);
    HashSet<Long> added = new HashSet<>();
    List<Long> probes = new ArrayList<>();
    for (int minute = 0; minute < 55; minute++) {
      Instant at = NOW.plus(Duration.ofMinutes(minute));
      List<Long> arriving = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        arriving.add(1_000_000L * minute + i);
        probes.add(1_000_000L * minute + 100 + i);                       // not added: inside or next to a range
      }
      if (minute >= 20 && minute < 30) {
        for (int i = 0; i < 50; i++) {
          arriving.add(1_000_000L * (55 - minute) + 500_000 + i);
          probes.add(1_000_000L * (55 - minute) + 500_100 + i);
        }
      }
      if (minute >= 45) {
        for (int i = 0; i < 25; i++) {
          arriving.add(1 + random.nextLong(Long.MAX_VALUE - 1));
          arriving.add(-1 - random.nextLong(Long.MAX_VALUE - 1));
        }
      }
      for (long id : arriving) {
        assertEquals(added.add(id), ids.add(id, at), "add " + id);
      }
    }

    Instant later = NOW.plus(Duration.ofMinutes(56));
    RecentIds restored = RecentIds.restore(Duration.ofHours(1), 1_000_000, ids.export(), 0);
    for (long id : added) {
      assertFalse(ids.add(id, later), "remembered " + id);
      assertFalse(restored.add(id, later), "remembered after a restore " + id);
    }
    random.longs(20_000).forEach(probes::add);
    long[] asked = probes.stream().mapToLong(Long::longValue).toArray();
    long[] expected = Arrays.stream(asked).filter(id -> !added.contains(id)).toArray();
    assertArrayEquals(expected, ids.unseen(asked));
    assertArrayEquals(expected, restored.unseen(asked));
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

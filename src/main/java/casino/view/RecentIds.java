package casino.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Event ids seen within a horizon (at least one hour), in bounded memory: ids are kept in
 * generations; a generation whose ids are all older than the horizon is dropped whole. A
 * generation ends after a sixth of the horizon or once it holds a sixth of {@code maxIds},
 * whichever comes first, so that at any rate the cap holds: should the ids of a horizon exceed
 * {@code maxIds}, the oldest generation (at most a sixth of them) is dropped early (logged by
 * the caller), never all older ids at once.
 */
final class RecentIds {
  private static final int GENERATIONS = 6;

  private final Duration horizon;
  private final Duration slice;
  private final long maxIds;
  private final long generationCapacity;
  private final ArrayDeque<Generation> generations = new ArrayDeque<>();
  private long size;
  private long droppedEarly;

  RecentIds(Duration horizon, long maxIds) {
    this.horizon = horizon;
    this.slice = horizon.dividedBy(GENERATIONS);
    this.maxIds = maxIds;
    this.generationCapacity = Math.max(1, maxIds / GENERATIONS);
  }

  /** True when the id was not seen within the horizon (and is now remembered). */
  boolean add(long id, Instant now) {
    for (Generation g : generations) {
      if (g.ids.contains(id)) {
        return false;
      }
    }
    rotate(now);
    generations.peekLast().ids.add(id);
    size++;
    while (size > maxIds && generations.size() > 1) {
      size -= generations.pollFirst().ids.size();
      droppedEarly++;
    }
    return true;
  }

  private void rotate(Instant now) {
    Generation newest = generations.peekLast();
    if (newest == null || !now.isBefore(newest.start.plus(slice)) || newest.ids.size() >= generationCapacity) {
      generations.addLast(new Generation(now));
    }
    // The oldest generation's ids arrived before the next one started: once that start is
    // beyond the horizon, all of them are.
    Instant expired = now.minus(horizon);
    while (generations.size() > 1 && !secondOldestStart().isAfter(expired)) {
      size -= generations.pollFirst().ids.size();
    }
  }

  private Instant secondOldestStart() {
    var it = generations.iterator();
    it.next();
    return it.next().start;
  }

  long size() {
    return size;
  }

  long generationsDroppedEarly() {
    return droppedEarly;
  }

  private static final class Generation {
    final Instant start;
    final LongSet ids = new LongSet();

    Generation(Instant start) {
      this.start = start;
    }
  }

  /** Open-addressing set of longs: 8 bytes an id instead of a boxed entry's ~50. */
  static final class LongSet {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] slots = newSlots(1024);
    private int count;

    private static long[] newSlots(int n) {
      long[] s = new long[n];
      Arrays.fill(s, EMPTY);
      return s;
    }

    boolean contains(long id) {
      int mask = slots.length - 1;
      for (int i = index(id, mask); ; i = (i + 1) & mask) {
        long v = slots[i];
        if (v == id) {
          return true;
        }
        if (v == EMPTY) {
          return false;
        }
      }
    }

    void add(long id) {
      if ((count + 1) * 2 > slots.length) {
        grow();
      }
      int mask = slots.length - 1;
      for (int i = index(id, mask); ; i = (i + 1) & mask) {
        if (slots[i] == id) {
          return;
        }
        if (slots[i] == EMPTY) {
          slots[i] = id;
          count++;
          return;
        }
      }
    }

    int size() {
      return count;
    }

    private void grow() {
      long[] old = slots;
      slots = newSlots(old.length * 2);
      count = 0;
      for (long v : old) {
        if (v != EMPTY) {
          add(v);
        }
      }
    }

    private static int index(long id, int mask) {
      long h = id * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32)) & mask;
    }
  }
}

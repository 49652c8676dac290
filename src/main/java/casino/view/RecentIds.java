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
 *
 * <p>One writer (the view's journal) and any number of readers ({@link #unseen}: the keeper
 * answering processors while a journal write is in flight): every method holds the instance's
 * lock, which the one writer rarely finds taken.
 */
final class RecentIds implements CountedIds {
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

  /**
   * Newest generation first, and only those whose range of ids takes {@code id}: the
   * publisher's ids grow with time, so a new id is above every older generation's range and
   * costs at most one probe, not one a generation. Ids of any other shape are looked up in every
   * generation, as before the ranges.
   */
  synchronized boolean contains(long id) {
    for (var it = generations.descendingIterator(); it.hasNext(); ) {
      if (it.next().contains(id)) {
        return true;
      }
    }
    return false;
  }

  /** True when the id was not seen within the horizon (and is now remembered). */
  synchronized boolean add(long id, Instant now) {
    if (contains(id)) {
      return false;
    }
    rotate(now);
    generations.peekLast().add(id);
    size++;
    while (size > maxIds && generations.size() > 1) {
      size -= generations.pollFirst().size();
      droppedEarly++;
    }
    return true;
  }

  private void rotate(Instant now) {
    Generation newest = generations.peekLast();
    if (newest == null || !now.isBefore(newest.start.plus(slice)) || newest.size() >= generationCapacity) {
      generations.addLast(new Generation(now));
    }
    // The oldest generation's ids arrived before the next one started: once that start is
    // beyond the horizon, all of them are.
    Instant expired = now.minus(horizon);
    while (generations.size() > 1 && !secondOldestStart().isAfter(expired)) {
      size -= generations.pollFirst().size();
    }
  }

  private Instant secondOldestStart() {
    var it = generations.iterator();
    it.next();
    return it.next().start;
  }

  synchronized long size() {
    return size;
  }

  @Override
  public synchronized long[] unseen(long[] ids) {
    long[] fresh = new long[ids.length];
    int n = 0;
    for (long id : ids) {
      if (!contains(id)) {
        fresh[n++] = id;
      }
    }
    return n == ids.length ? fresh : Arrays.copyOf(fresh, n);
  }

  /**
   * A generation as a snapshot keeps it: when it began, and its ids encoded by {@link IdCodec}.
   * Made on the keeper's thread from a copy of the ids; the encoding (a sort of up to millions
   * of ids: tens of milliseconds) is left to whoever reads {@code ids} first, the snapshot
   * store's serializer, so that a snapshot does not hold up the keeper or the readers of
   * {@link CountedIds}. Once encoded, a closed generation keeps its encoding for the next snapshots.
   */
  static final class Stored implements casino.cluster.CborSerializable {
    private final long startMillis;
    private final int size;
    private byte[] ids;
    @com.fasterxml.jackson.annotation.JsonIgnore
    private long[] unencoded;

    @com.fasterxml.jackson.annotation.JsonCreator
    Stored(@com.fasterxml.jackson.annotation.JsonProperty("startMillis") long startMillis,
        @com.fasterxml.jackson.annotation.JsonProperty("size") int size,
        @com.fasterxml.jackson.annotation.JsonProperty("ids") byte[] ids) {
      this.startMillis = startMillis;
      this.size = size;
      this.ids = ids;
    }

    private Stored(long startMillis, long[] unencoded) {
      this.startMillis = startMillis;
      this.size = unencoded.length;
      this.unencoded = unencoded;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("startMillis")
    long startMillis() {
      return startMillis;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("size")
    int size() {
      return size;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("ids")
    synchronized byte[] ids() {
      if (ids == null) {
        ids = IdCodec.encode(unencoded);
        unencoded = null;
      }
      return ids;
    }
  }

  /**
   * Every generation for a snapshot, its ids copied (under the lock, so a few milliseconds even
   * for millions) and encoded later (see {@link Stored}). A generation that no longer takes ids
   * is copied once and its stored form kept.
   */
  synchronized java.util.List<Stored> export() {
    java.util.List<Stored> stored = new java.util.ArrayList<>(generations.size());
    Generation newest = generations.peekLast();
    for (Generation g : generations) {
      Stored s = g.stored;
      if (s == null) {
        s = new Stored(g.start.toEpochMilli(), g.toArray());
        if (g != newest) {
          g.stored = s;
        }
      }
      stored.add(s);
    }
    return stored;
  }

  static RecentIds restore(Duration horizon, long maxIds, java.util.List<Stored> stored, long droppedEarly) {
    RecentIds ids = new RecentIds(horizon, maxIds);
    for (Stored s : stored) {
      Generation g = new Generation(Instant.ofEpochMilli(s.startMillis()));
      for (long id : IdCodec.decode(s.ids(), s.size())) {
        g.add(id);
      }
      ids.generations.addLast(g);
      ids.size += g.size();
    }
    // Every generation but the newest is closed: its encoding can be kept as read.
    int i = 0;
    for (Generation g : ids.generations) {
      if (++i < stored.size()) {
        g.stored = stored.get(i - 1);
      }
    }
    ids.droppedEarly = droppedEarly;
    return ids;
  }

  synchronized long generationsDroppedEarly() {
    return droppedEarly;
  }

  private static final class Generation {
    final Instant start;
    /** Only through {@link #add}, which keeps the range. */
    private final LongSet ids = new LongSet();
    /** The smallest and largest id in {@code ids}: an id outside is not there, without a probe. */
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    /** Set once the generation is closed and was stored for a snapshot. */
    Stored stored;

    Generation(Instant start) {
      this.start = start;
    }

    void add(long id) {
      if (ids.add(id)) {
        min = Math.min(min, id);
        max = Math.max(max, id);
      }
    }

    boolean contains(long id) {
      return id >= min && id <= max && ids.contains(id);
    }

    int size() {
      return ids.size();
    }

    long[] toArray() {
      return ids.toArray();
    }
  }

  /**
   * Open-addressing set of longs: 8 bytes an id instead of a boxed entry's ~50. The ids are
   * spread over {@value #SEGMENTS} segments by their hash, and each segment grows on its own: a
   * single table doubled at 1, 2 and 4 million ids and rehashed them all at once, which held the
   * one thread the view's journal shares with the stream for 42-96 ms at 2 million and up to 263
   * ms at 4 million on this machine; a segment's growth rehashes about a 256th of that.
   */
  static final class LongSet {
    private static final long EMPTY = Long.MIN_VALUE;
    private static final int SEGMENT_BITS = 8;
    private static final int SEGMENTS = 1 << SEGMENT_BITS;
    private static final int FIRST_SLOTS = 8;
    private final long[][] segments = new long[SEGMENTS][];
    private final int[] counts = new int[SEGMENTS];
    private int count;

    LongSet() {
      for (int i = 0; i < SEGMENTS; i++) {
        segments[i] = newSlots(FIRST_SLOTS);
      }
    }

    private static long[] newSlots(int n) {
      long[] s = new long[n];
      Arrays.fill(s, EMPTY);
      return s;
    }

    boolean contains(long id) {
      long h = hash(id);
      long[] slots = segments[segment(h)];
      int mask = slots.length - 1;
      for (int i = index(h, mask); ; i = (i + 1) & mask) {
        long v = slots[i];
        if (v == id) {
          return true;
        }
        if (v == EMPTY) {
          return false;
        }
      }
    }

    /** True when the id was not in the set (and now is). */
    boolean add(long id) {
      long h = hash(id);
      int segment = segment(h);
      if ((counts[segment] + 1) * 2 > segments[segment].length) {
        grow(segment);
      }
      if (insert(segments[segment], id, h)) {
        counts[segment]++;
        count++;
        return true;
      }
      return false;
    }

    private static boolean insert(long[] slots, long id, long h) {
      int mask = slots.length - 1;
      for (int i = index(h, mask); ; i = (i + 1) & mask) {
        if (slots[i] == id) {
          return false;
        }
        if (slots[i] == EMPTY) {
          slots[i] = id;
          return true;
        }
      }
    }

    int size() {
      return count;
    }

    long[] toArray() {
      long[] all = new long[count];
      int n = 0;
      for (long[] slots : segments) {
        for (long v : slots) {
          if (v != EMPTY) {
            all[n++] = v;
          }
        }
      }
      return all;
    }

    private void grow(int segment) {
      long[] old = segments[segment];
      long[] slots = newSlots(old.length * 2);
      for (long v : old) {
        if (v != EMPTY) {
          insert(slots, v, hash(v));
        }
      }
      segments[segment] = slots;
    }

    private static long hash(long id) {
      return id * 0x9E3779B97F4A7C15L;
    }

    /** The hash's top bits choose the segment, its lower bits the slot within it. */
    private static int segment(long h) {
      return (int) (h >>> (64 - SEGMENT_BITS));
    }

    private static int index(long h, int mask) {
      return (int) (h ^ (h >>> 29)) & mask;
    }
  }
}

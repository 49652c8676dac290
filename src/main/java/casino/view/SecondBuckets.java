package casino.view;

/**
 * Per-second sums of the last hour by event time: events, bets, won bets and deposits in EUR
 * cents. A ring of 4,096 slots: a slot is taken over by the second 4,096 s later, so memory does
 * not grow with run time. Not thread-safe; its owner (the view's state) serializes access.
 */
final class SecondBuckets {
  /** More than an hour plus {@link ViewState#FUTURE_SKEW_SECONDS}: no two seconds a figure needs share a slot. */
  static final int SLOTS = 4096;

  private final long[] second = new long[SLOTS];
  private final long[] events = new long[SLOTS];
  private final long[] bets = new long[SLOTS];
  private final long[] wins = new long[SLOTS];
  private final long[] depositCents = new long[SLOTS];

  void add(long eventSecond, byte kind, long amountEurCents) {
    int slot = slot(eventSecond);
    if (second[slot] != eventSecond) {
      second[slot] = eventSecond;
      events[slot] = 0;
      bets[slot] = 0;
      wins[slot] = 0;
      depositCents[slot] = 0;
    }
    events[slot]++;
    if (kind == Entries.BET || kind == Entries.WON_BET) {
      bets[slot]++;
      if (kind == Entries.WON_BET) {
        wins[slot]++;
      }
    } else if (kind == Entries.DEPOSIT) {
      depositCents[slot] = ViewState.saturatedSum(depositCents[slot], Math.max(0, amountEurCents));
    }
  }

  /** The sums of the {@code length} seconds from {@code first}; seconds the ring does not hold are 0. */
  Columns between(long first, int length) {
    Columns columns = new Columns(new long[length], new long[length], new long[length], new long[length]);
    for (int i = 0; i < length; i++) {
      int slot = slot(first + i);
      if (second[slot] == first + i) {
        columns.events[i] = events[slot];
        columns.bets[i] = bets[slot];
        columns.wins[i] = wins[slot];
        columns.depositCents[i] = depositCents[slot];
      }
    }
    return columns;
  }

  /** The ring as a snapshot keeps it, slot by slot. */
  Columns slots() {
    return new Columns(events.clone(), bets.clone(), wins.clone(), depositCents.clone());
  }

  long[] slotSeconds() {
    return second.clone();
  }

  /** From a snapshot's slots; a column a snapshot of an earlier version lacks (null) stays 0. */
  static SecondBuckets restore(long[] slotSeconds, Columns slots) {
    SecondBuckets buckets = new SecondBuckets();
    copy(slotSeconds, buckets.second);
    copy(slots.events, buckets.events);
    copy(slots.bets, buckets.bets);
    copy(slots.wins, buckets.wins);
    copy(slots.depositCents, buckets.depositCents);
    return buckets;
  }

  private static void copy(long[] from, long[] to) {
    if (from != null) {
      System.arraycopy(from, 0, to, 0, SLOTS);
    }
  }

  /** Per-second or per-slot sums, column by column. */
  record Columns(long[] events, long[] bets, long[] wins, long[] depositCents) {}

  private static int slot(long second) {
    return (int) Math.floorMod(second, (long) SLOTS);
  }
}

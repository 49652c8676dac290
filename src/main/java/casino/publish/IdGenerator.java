package casino.publish;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Event ids that no publisher reuses, not even after a restart, and that every JSON reader reads
 * exactly (SPEC 3: at most 2^53 − 1, the largest integer a double holds exactly): 41 bits of
 * milliseconds since 2024-01-01 (until 2093-09-06), 6 bits of publisher node id and 6 bits of
 * sequence within the millisecond. So 64 publishers at a time, each up to 64 ids a millisecond
 * (64,000 a second, several times what one publisher gets confirmed). Publishers that run at
 * the same time must have distinct node ids.
 *
 * <p>An id is never ahead of the clock: when a millisecond's 64 ids are used up, the generator
 * waits for the next millisecond instead of borrowing it. Borrowed milliseconds are what a
 * restarted publisher would hand out again if it came back sooner than the borrowing had run
 * ahead. Nor does it go back within a run: if the clock does, it goes on in the last millisecond
 * it used and, when that is used up, waits for the clock to pass it.
 */
public final class IdGenerator {
  static final long EPOCH_MS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final int TIME_BITS = 41;
  static final int NODE_BITS = 6;
  static final int SEQUENCE_BITS = 6;
  /** Node ids are 0 to {@code NODE_IDS - 1}; the settings and the Redis lease take the range from here. */
  public static final int NODE_IDS = 1 << NODE_BITS;
  public static final long MAX_ID = (1L << (TIME_BITS + NODE_BITS + SEQUENCE_BITS)) - 1;
  static final long MAX_MILLIS = (1L << TIME_BITS) - 1;
  static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;

  private final Clock clock;
  private final long node;
  private long lastMillis = -1;
  private long sequence;

  public IdGenerator(int nodeId, Clock clock) {
    if (nodeId < 0 || nodeId >= NODE_IDS) {
      throw new IllegalArgumentException("node id must be 0-" + (NODE_IDS - 1) + ": " + nodeId);
    }
    this.node = nodeId;
    this.clock = clock;
  }

  public synchronized long next() {
    long now = millis();
    if (now > lastMillis) {
      lastMillis = now;
      sequence = 0;
    } else if (sequence < MAX_SEQUENCE) {
      sequence++;
    } else {
      lastMillis = firstMillisAfter(lastMillis);
      sequence = 0;
    }
    if (lastMillis < 0 || lastMillis > MAX_MILLIS) {
      throw new IllegalStateException("the clock (" + clock.instant() + ") is outside 2024-01-01 to 2093-09-06, "
          + "the time event ids can hold");
    }
    return (lastMillis << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence;
  }

  /** Waits until the clock shows a millisecond after {@code used} and returns it. */
  private long firstMillisAfter(long used) {
    long now = millis();
    while (now <= used) {
      long behind = used - now;
      if (behind > 1) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(behind - 1));   // the clock went back: sleep most of it
      } else {
        Thread.onSpinWait();   // less than 2 ms: a sleep could oversleep by more than that
      }
      now = millis();
    }
    return now;
  }

  private long millis() {
    return clock.millis() - EPOCH_MS;
  }

  public int nodeId() {
    return (int) node;
  }
}

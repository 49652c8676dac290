package casino.publish;

import java.time.Clock;
import java.time.Instant;

/**
 * Event ids that no publisher reuses, not even after a restart: 41 bits of milliseconds since
 * 2024-01-01, 10 bits of publisher node id, 12 bits of sequence within the millisecond.
 * Publishers that run at the same time must have distinct node ids.
 *
 * <p>When more than 4096 ids are asked for within one millisecond, the generator moves on to
 * the next millisecond rather than wrapping; it never goes back in time, even if the clock does.
 */
public final class IdGenerator {
  static final long EPOCH_MS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final int NODE_BITS = 10;
  static final int SEQUENCE_BITS = 12;
  static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;

  private final Clock clock;
  private final long node;
  private long lastMillis = -1;
  private long sequence;

  public IdGenerator(int nodeId, Clock clock) {
    if (nodeId < 0 || nodeId >= (1 << NODE_BITS)) {
      throw new IllegalArgumentException("node id must be 0-1023: " + nodeId);
    }
    this.node = nodeId;
    this.clock = clock;
  }

  public synchronized long next() {
    long now = clock.millis() - EPOCH_MS;
    if (now > lastMillis) {
      lastMillis = now;
      sequence = 0;
    } else if (++sequence > MAX_SEQUENCE) {
      lastMillis++;
      sequence = 0;
    }
    return (lastMillis << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence;
  }

  public int nodeId() {
    return (int) node;
  }
}
